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
    if let Some(paths) = s["paths"].as_object_mut() {
        paths.extend(open311_paths());
    }
    s
}

/// Open311 GeoReport v2 at `/open311/v2/` (its own formats and errors, as the specification defines
/// them; each path also answers as `.xml`).
fn open311_paths() -> serde_json::Map<String, Value> {
    let list = |desc: &str| {
        json!({ "description": desc, "content": {
        "application/json": { "schema": { "type": "array", "items": { "type": "object" } } },
        "text/xml": { "schema": { "type": "string" } } } })
    };
    let err = json!({ "description": "Open311 错误：[{\"code\",\"description\"}]", "content": {
        "application/json": { "schema": { "type": "array", "items": { "type": "object",
            "properties": { "code": { "type": "integer" }, "description": { "type": "string" } } } } } } });
    let q = |name: &str, desc: &str| json!({ "name": name, "in": "query", "required": false, "description": desc, "schema": { "type": "string" } });
    let path = |name: &str, desc: &str| json!({ "name": name, "in": "path", "required": true, "description": desc, "schema": { "type": "string" } });
    let field = |desc: &str| json!({ "type": "string", "description": desc });
    let op = |summary: &str, params: Vec<Value>, ok: Value| {
        json!({ "tags": ["Open311"], "summary": summary,
        "security": [], "parameters": params,
        "responses": { "200": ok, "400": err, "403": err, "404": err } })
    };
    let mut post = op(
        "提交服务请求（须 api_key）：记为事发社区的民情事件，返回事件编号和令牌",
        vec![],
        list("[{service_request_id, token, service_notice}]"),
    );
    post["responses"]["201"] = post["responses"]["200"].take();
    if let Some(r) = post["responses"].as_object_mut() {
        r.remove("200");
    }
    post["responses"]["429"] = err.clone();
    post["requestBody"] = json!({ "required": true, "content": { "application/x-www-form-urlencoded": { "schema": {
        "type": "object", "required": ["api_key", "service_code", "address_id", "description"], "properties": {
            "api_key": field("管理员签发的密钥"),
            "service_code": field("服务代码（事件分类键，见 services.json）"),
            "address_id": field("事发社区或网格的区划代码，须在密钥的区划内"),
            "address_string": field("地点（原样保存）"), "lat": field("纬度（原样保存）"), "long": field("经度（原样保存）"),
            "first_name": field("反映人名"), "last_name": field("反映人姓"), "phone": field("反映人电话"),
            "description": field("问题描述") } } } } });
    let juris = q("jurisdiction_id", "区划代码（无 api_key 时必填）");
    let mut m = serde_json::Map::new();
    m.insert("/open311/v2/services.json".into(), json!({ "get": op("服务列表：所在区划现行政策的事件分类", vec![juris.clone()], list("[{service_code, service_name, description, metadata, type, keywords, group}]")) }));
    m.insert("/open311/v2/services/{service_code}.json".into(), json!({ "get": op("服务定义（无附加属性）", vec![path("service_code", "服务代码"), juris.clone()], list("{service_code, attributes: []}")) }));
    m.insert("/open311/v2/requests.json".into(), json!({
        "get": op("查询服务请求（最近90天，最多1000条）；带 api_key 时只列该密钥提交的并含描述、地点，否则只含状态、分类、时间和承办社区", vec![
            juris, q("api_key", "密钥"), q("service_request_id", "事件编号，逗号分隔"), q("service_code", "服务代码"),
            q("start_date", "ISO 8601"), q("end_date", "ISO 8601"), q("status", "open 或 closed")], list("[{service_request_id, status, …}]")),
        "post": post }));
    m.insert("/open311/v2/requests/{service_request_id}.json".into(), json!({ "get": op("一条服务请求（事件编号）", vec![path("service_request_id", "事件编号"), q("api_key", "密钥")], list("[{service_request_id, status, …}]")) }));
    m.insert("/open311/v2/tokens/{token}.json".into(), json!({ "get": op("由提交时返回的令牌查事件编号", vec![path("token", "令牌")], list("[{service_request_id, token}]")) }));
    m
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
