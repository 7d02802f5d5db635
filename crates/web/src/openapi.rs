//! The OpenAPI 3.1 document of the JSON API, and Swagger UI (vendored) to read it.
//!
//! Each handler of the JSON API describes itself with `#[utoipa::path]` (its path, parameters,
//! body and answers); a feature's `api_routes()` registers its handlers with `routes!`, which routes
//! them and collects their descriptions at once, so that no route goes undescribed. The document is
//! those merged under `/api/v1`, with the error answers every route can give. Tests check that every API route is in the document and that real answers match
//! the documented schemas.

use axum::Json;
use axum::response::Html;
use serde_json::{Value, json};

fn error_response(desc: &str) -> Value {
    json!({ "description": desc, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "社区工作者队伍管理信息系统 API",
        description = "所有接口只返回调用者管辖区划内的数据；管辖范围外的记录一律返回 404。错误统一为 {\"code\",\"field\",\"message\"}。"
    ),
    paths(crate::server::healthz),
    components(schemas(crate::error::ErrorBody))
)]
struct Doc;

/// The features' descriptions, gathered with their routes (see [`crate::api`]), under `/api/v1`.
pub fn generated() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    Doc::openapi().nest("/api/v1", crate::api().1)
}

/// The answers with the error shape that any route can give, added where a route does not say more.
const ERRORS: [(&str, &str); 6] = [
    ("401", "未登录或令牌无效"),
    ("403", "无此权限"),
    ("404", "不存在或不在管辖范围内"),
    ("409", "与现有状态冲突，未作任何修改"),
    ("422", "输入有误，未作任何修改"),
    ("429", "尝试过于频繁"),
];

pub fn spec() -> Value {
    let mut s = serde_json::to_value(generated()).unwrap_or_default();
    s["openapi"] = json!("3.1.0");
    s["servers"] = json!([{ "url": "/" }]);
    s["security"] = json!([{ "bearer": [] }]);
    s["components"]["securitySchemes"] = json!({ "bearer": { "type": "http", "scheme": "bearer" } });
    if let Some(paths) = s["paths"].as_object_mut() {
        for item in paths.values_mut() {
            for op in item.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                let Some(responses) = op["responses"].as_object_mut() else {
                    continue;
                };
                for (status, desc) in ERRORS {
                    responses.entry(status).or_insert_with(|| error_response(desc));
                }
            }
        }
    }
    s
}

pub async fn document() -> Json<Value> {
    Json(spec())
}

pub async fn swagger_page() -> Html<&'static str> {
    Html(
        r##"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>接口文档 - 社区工作者队伍管理信息系统</title>
<link rel="stylesheet" href="/assets/swagger-ui.css"></head>
<body><div id="swagger"></div>
<script src="/assets/swagger-ui-bundle.js"></script>
<script>window.onload = function () { SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger" }); };</script>
</body></html>"##,
    )
}
