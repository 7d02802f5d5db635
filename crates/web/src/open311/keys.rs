//! `/system/open311`: an administrator's Open311 keys: those issued inside their region, a form to
//! issue one (the key is shown once, on the page that answers the form, never in an address), and
//! revoking.

use crate::auth::Caller;
use crate::clock::local_time;
use crate::error::{AppError, PageError};
use crate::page::{PageResult, SubForm};
use crate::sections::{FormSpec, Msg, Section, SectionsPage, headers, hidden, input, row, t};
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use shegong_store::events::open311;
use uuid::Uuid;

async fn build(st: &AppState, caller: &Caller, m: &Msg) -> Result<SectionsPage, PageError> {
    let keys = open311::keys(&st.db, &caller.access).await.map_err(AppError::from)?;
    let mut p = SectionsPage::new(st, caller, "system", "Open311 接口密钥", m).await?;
    p.crumbs = vec![("/system".into(), "系统".into())];
    p.subtitle = "其他系统（如12345热线、城市管理平台）按 Open311 GeoReport v2 标准上报和查询民情事件".into();
    let names = shegong_store::regions::names(&st.db.conn, keys.iter().map(|k| k.region_code.clone()).collect())
        .await
        .unwrap_or_default();
    p.sections.push(Section {
        id: "issue".into(),
        title: "签发密钥".into(),
        text: "密钥只在签发后显示一次；客户端提交的事件须落在密钥的区划内，来源记为“Open311”并标注客户端名称。".into(),
        forms: vec![FormSpec {
            action: "/system/open311".into(),
            fields: vec![
                input("客户端名称", "name", "text", "", 20),
                input("区划", "region", "region", caller.scope.region().as_str(), 16),
            ],
            button: "签发".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    let mut s = Section {
        id: "keys".into(),
        title: "已签发的密钥".into(),
        text: if keys.is_empty() { "还没有签发密钥。".into() } else { String::new() },
        headers: headers(&["客户端名称", "区划", "签发人", "签发时间", "状态"]),
        cards: true,
        ..Default::default()
    };
    for k in &keys {
        s.rows.push(row(vec![
            t(&k.name),
            t(names.get(&k.region_code).cloned().unwrap_or_else(|| k.region_code.clone())),
            t(&k.created_by),
            t(local_time(k.created_at)),
            t(if k.revoked_at.is_some() { "已吊销" } else { "有效" }),
        ]));
        if k.revoked_at.is_none() {
            s.forms.push(FormSpec {
                action: format!("/system/open311/{}/revoke", k.id),
                fields: vec![hidden("id", k.id.to_string())],
                button: format!("吊销“{}”", k.name),
                plain: true,
                confirm: format!("吊销后“{}”将不能再提交或查询，确定吗？", k.name),
                ..Default::default()
            });
        }
    }
    p.sections.push(s);
    Ok(p)
}

/// `GET /system/open311`.
pub(crate) async fn page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    build(&st, &caller, &m).await?.finish(&m).await
}

/// `POST /system/open311`: issues a key and shows it on the answer, once.
pub(crate) async fn issue(State(st): State<AppState>, caller: Caller, Form(f): Form<SubForm>) -> Response {
    let issued = async {
        caller.check_csrf(&f._csrf)?;
        Ok::<_, AppError>(open311::add_key(&st.db, Some(&caller.access), &f.get("name"), &f.get("region")).await?)
    }
    .await;
    let (k, key) = match issued {
        Ok(x) => x,
        Err(e) => return crate::flash::back(caller.user.id, "/system/open311", Err(e)),
    };
    match build(&st, &caller, &Msg::default()).await {
        Ok(mut p) => {
            p.notice = format!("已为“{}”签发密钥：{key}　请立即复制交给对方，此密钥不会再次显示。", k.name);
            crate::page::render(p).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// `POST /system/open311/{id}/revoke`.
pub(crate) async fn revoke(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> Response {
    let r = async {
        caller.check_csrf(&f._csrf)?;
        open311::revoke_key(&st.db, &caller.access, id).await?;
        Ok::<_, AppError>("已吊销".to_string())
    }
    .await;
    crate::flash::back(caller.user.id, "/system/open311", r)
}
