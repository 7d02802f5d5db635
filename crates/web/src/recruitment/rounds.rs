//! Recruitment rounds as JSON: the county's plans, one with its posts, adding a post, approving and
//! publishing.

use super::views::{JobPostView, JobRoundDetail, JobRoundView, detail, post_view, round_view};
use crate::auth::Ctx;
use crate::error::ApiResult;
use crate::extract::{Json, Path};
use crate::query::Items;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shegong_store::recruitment::rounds::{self, JobPostInput, JobRoundInput};
use uuid::Uuid;

/// 本辖区的招聘（县级以上；街道、社区可查看本县的）
#[utoipa::path(get, path = "/recruitment/rounds", tag = "招聘",
    responses((status = 200, description = "招聘", body = Items<JobRoundView>)))]
pub async fn list_rounds(Ctx { st, caller }: Ctx) -> ApiResult<Json<Items<JobRoundView>>> {
    let list = rounds::list(&st.db, &caller.access).await?;
    let names =
        shegong_store::regions::names(&st.db.conn, list.iter().map(|r| r.county_code.clone()).collect()).await?;
    let mut out = Vec::new();
    for r in &list {
        let Ok(full) = rounds::get(&st.db, &caller.access, r.id).await else { continue };
        out.push(round_view(r, &full.posts, &names));
    }
    Ok(Json(Items::new(out)))
}

/// 新建招聘计划（编制中）：名称、资格审查基准日、报名起止日期、公告正文
#[utoipa::path(post, path = "/recruitment/rounds", tag = "招聘", request_body = JobRoundInput,
    responses((status = 201, description = "已新建", body = JobRoundDetail)))]
pub async fn create_round(Ctx { st, caller }: Ctx, Json(i): Json<JobRoundInput>) -> ApiResult<Response> {
    let r = rounds::create(&st.db, &caller.access, &i, crate::clock::today()).await?;
    let (d, _) = detail(&st, &r, &[]).await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

/// 一次招聘及其岗位
#[utoipa::path(get, path = "/recruitment/rounds/{id}", tag = "招聘", params(("id" = Uuid, Path)),
    responses((status = 200, description = "招聘", body = JobRoundDetail)))]
pub async fn get_round(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<JobRoundDetail>> {
    let r = rounds::get(&st.db, &caller.access, id).await?;
    Ok(Json(detail(&st, &r.round, &r.posts).await?.0))
}

/// 添加岗位（仅编制中）：社区、岗位名称、人数（不超过该社区员额标准尚余的名额）、资格条件
#[utoipa::path(post, path = "/recruitment/rounds/{id}/posts", tag = "招聘", params(("id" = Uuid, Path)),
    request_body = JobPostInput, responses((status = 201, description = "已添加", body = JobPostView)))]
pub async fn add_post(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<JobPostInput>,
) -> ApiResult<Response> {
    let p = rounds::add_post(&st.db, &caller.access, id, &i).await?;
    let r = rounds::get(&st.db, &caller.access, id).await?;
    let (d, policy) = detail(&st, &r.round, &r.posts).await?;
    let names: std::collections::HashMap<String, String> =
        d.post_list.iter().map(|x| (x.community_code.clone(), x.community_name.clone())).collect();
    Ok((StatusCode::CREATED, Json(post_view(&p, &names, &policy))).into_response())
}

/// 审批招聘计划（须由编制人和添加岗位的人以外的管理员）；可带上看到的岗位数和人数，计划已变动时 409 recruitment_changed
#[utoipa::path(post, path = "/recruitment/rounds/{id}/approve", tag = "招聘", params(("id" = Uuid, Path)),
    request_body = rounds::Seen, responses((status = 200, description = "已审批", body = JobRoundDetail)))]
pub async fn approve_round(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(seen): Json<rounds::Seen>,
) -> ApiResult<Json<JobRoundDetail>> {
    // Not said (`{}`): approved as it stands.
    let seen = Some(seen).filter(|s| s.posts > 0 || s.places > 0);
    rounds::approve(&st.db, &caller.access, id, seen).await?;
    full(&st, &caller, id).await
}

/// 发布招聘公告（已审批的计划）：公告在 /jobs 上公开
#[utoipa::path(post, path = "/recruitment/rounds/{id}/publish", tag = "招聘", params(("id" = Uuid, Path)),
    responses((status = 200, description = "已发布", body = JobRoundDetail)))]
pub async fn publish_round(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<JobRoundDetail>> {
    rounds::publish(&st.db, &caller.access, id).await?;
    full(&st, &caller, id).await
}

/// 结束招聘：撤回编制中的计划，或招聘完成后结束；其岗位不再占用员额名额
#[utoipa::path(post, path = "/recruitment/rounds/{id}/close", tag = "招聘", params(("id" = Uuid, Path)),
    responses((status = 200, description = "已结束", body = JobRoundDetail)))]
pub async fn close_round(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<JobRoundDetail>> {
    rounds::close(&st.db, &caller.access, id).await?;
    full(&st, &caller, id).await
}

/// 删除岗位（仅编制中）
#[utoipa::path(delete, path = "/recruitment/rounds/{id}/posts/{post_id}", tag = "招聘",
    params(("id" = Uuid, Path), ("post_id" = Uuid, Path)),
    responses((status = 200, description = "已删除", body = JobRoundDetail)))]
pub async fn remove_post(
    Ctx { st, caller }: Ctx,
    Path((id, post_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<JobRoundDetail>> {
    rounds::remove_post(&st.db, &caller.access, id, post_id).await?;
    full(&st, &caller, id).await
}

async fn full(st: &crate::state::AppState, caller: &crate::auth::Caller, id: Uuid) -> ApiResult<Json<JobRoundDetail>> {
    let r = rounds::get(&st.db, &caller.access, id).await?;
    Ok(Json(detail(st, &r.round, &r.posts).await?.0))
}
