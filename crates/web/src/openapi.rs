//! The OpenAPI 3.1 document of the JSON API, and Swagger UI (vendored) to read it.
//!
//! Each feature describes its own routes with `#[utoipa::path]` on the handlers and an `Api` beside
//! its `api_routes()`; the document is those merged under `/api/v1`, with the error answers every
//! route can give. The routes of features not yet described that way are still written out below
//! (`legacy_paths`). Tests check that every API route is in the document and that real answers
//! match the documented schemas.

use axum::Json;
use axum::response::Html;
use serde_json::{Value, json};

fn error_response(desc: &str) -> Value {
    json!({ "description": desc, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

fn ok_json(desc: &str, schema: Value) -> Value {
    json!({ "description": desc, "content": { "application/json": { "schema": schema } } })
}

fn id_param() -> Value {
    json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } })
}

fn op(summary: &str, tag: &str, params: &[&str], body: Option<Value>, ok: &str) -> Value {
    let mut parameters: Vec<Value> = params
        .iter()
        .map(|p| {
            let (name, place) = p.split_once(':').unwrap_or((p, "query"));
            let schema = if name == "id" || name == "worker_id" {
                json!({"type": "string", "format": "uuid"})
            } else if name == "year" && place == "path" {
                json!({"type": "integer"})
            } else {
                json!({"type": "string"})
            };
            json!({ "name": name, "in": place, "required": place == "path", "schema": schema })
        })
        .collect();
    parameters.retain(|p| !p["name"].as_str().unwrap_or("").is_empty());
    let mut o = json!({ "summary": summary, "tags": [tag], "parameters": parameters,
        "responses": { "200": ok_json(ok, json!({"type": "object"})), "201": ok_json(ok, json!({"type": "object"})),
                       "404": error_response("不存在或不在管辖范围内"), "409": error_response("与现有状态冲突，未作任何修改"), "422": error_response("输入有误，未作任何修改") } });
    if let Some(b) = body {
        o["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": b } } });
    }
    o
}

/// An operation that answers a JSON array.
fn array_op(summary: &str, tag: &str, params: &[&str], body: Option<Value>, ok: &str) -> Value {
    let mut o = op(summary, tag, params, body, ok);
    o["responses"]["200"]["content"]["application/json"]["schema"] =
        json!({"type": "array", "items": {"type": "object"}});
    o
}

fn obj(props: &[(&str, &str)]) -> Value {
    let mut m = serde_json::Map::new();
    for (k, t) in props {
        m.insert((*k).into(), json!({ "type": t }));
    }
    json!({ "type": "object", "properties": m })
}

/// Policies, staffing, pay, assessment rounds and the reserve pool.
fn career_paths() -> Value {
    json!({
        "/api/v1/policies": {
            "get": op("政策文件（各版本）", "政策配置", &[], None, "政策列表"),
            "post": op("新增政策文件或新版本（省级管理员）；格式或内容有误时返回 422，message 指明行号和原因", "政策配置", &[], Some(obj(&[("body", "string")])), "已保存的名称和版本")
        },
        "/api/v1/policies/check": { "post": op("检查政策文件，不保存", "政策配置", &[], Some(obj(&[("body", "string")])), "解析后的规则") },
        "/api/v1/policies/{name}": { "get": op("一个政策文件及其解析后的规则", "政策配置", &["name:path", "version"], None, "政策") },
        "/api/v1/regions/{code}/policy": {
            "get": op("区划在某日适用的政策、适用历史和参照工资", "政策配置", &["code:path", "date"], None, "适用情况"),
            "post": op("为区划指定政策及生效日期（下级区划继承，县级可覆盖省级）", "政策配置", &["code:path"], Some(obj(&[("name", "string"), ("from", "string")])), "指定记录")
        },
        "/api/v1/regions/{code}/reference-wages": { "post": op("录入区划某年度的参照工资（如上年度平均工资）", "政策配置", &["code:path"], Some(obj(&[("key", "string"), ("year", "integer"), ("annual_yuan", "string")])), "参照工资") },
        "/api/v1/regions/{code}/staffing": { "get": op("员额：社区的定额范围、实有人数、所需与现有网格、党建专职岗位；上级区划为汇总，并列出下级", "员额", &["code:path", "date"], None,
            "{\"min\",\"max\",\"actual\",\"grids_needed\",\"grids\",\"party_building_posts\",\"children\"}") },
        "/api/v1/regions/{code}/budget": { "get": op("年度薪酬预算及测算（不改变任何数据），按下级区划列出差额", "薪酬", &["code:path", "year", "reference_wage_change_pct", "start_pct", "step_pct", "certificate_junior_yuan", "certificate_intermediate_yuan", "certificate_senior_yuan"], None, "预算") },
        "/api/v1/payroll/runs": {
            "get": op("管辖范围内的月度薪酬", "薪酬", &[], None, "列表"),
            "post": op("计算某区划某月薪酬（未锁定时可重算）", "薪酬", &[], Some(obj(&[("region", "string"), ("month", "string")])), "计算结果及合计（分）")
        },
        "/api/v1/payroll/runs/{id}": { "get": op("月度薪酬：各项合计与工资条（分页）", "薪酬", &["id:path", "page", "per_page"], None, "月度薪酬") },
        "/api/v1/payroll/runs/{id}/review": { "post": op("审核（已计算 → 已审核）", "薪酬", &["id:path"], None, "月度薪酬") },
        "/api/v1/payroll/runs/{id}/lock": { "post": op("锁定（已审核 → 已锁定，此后不可更改）", "薪酬", &["id:path"], None, "月度薪酬") },
        "/api/v1/payroll/runs/{id}/adjustments": { "post": op("已锁定月份的调整项", "薪酬", &["id:path"], Some(obj(&[("worker_id", "string"), ("amount_yuan", "string"), ("reason", "string")])), "调整项") },
        "/api/v1/payroll/runs/{id}/payslips.xlsx": { "get": { "summary": "导出工资表（Excel）", "tags": ["薪酬"], "parameters": [id_param()], "responses": { "200": { "description": "xlsx" }, "404": error_response("不存在或不在管辖范围内") } } },
        "/api/v1/workers/{id}/payslips": { "get": op("本人或管辖范围内人员的工资条：各项（分）与合计", "薪酬", &["id:path", "month"], None, "工资条") },
        "/api/v1/workers/{id}/level": { "get": op("按适用政策计算的等级及每次变动的说明", "薪酬", &["id:path"], None, "等级") },
        "/api/v1/workers/{id}/assessments/{year}/amend": { "post": op("更正已发布的考核等次（留痕）", "考核", &["id:path", "year:path"], Some(obj(&[("grade", "string"), ("reason", "string")])), "更正记录") },
        "/api/v1/assessment-rounds": {
            "get": op("管辖范围内的年度考核", "考核", &[], None, "列表"),
            "post": op("街道创建年度考核（名单为所辖社区的在职人员）", "考核", &[], Some(obj(&[("region", "string"), ("year", "integer")])), "考核")
        },
        "/api/v1/assessment-rounds/{id}": { "get": op("考核及名单、评分、等次", "考核", &["id:path"], None, "考核") },
        "/api/v1/assessment-rounds/{id}/scores": { "put": op("批量录入评分（全部成功或全部不保存）", "考核", &["id:path"], Some(json!({"type": "object", "properties": {"items": {"type": "array", "items": obj(&[("worker_id", "string"), ("organisation", "integer"), ("residents", "integer"), ("routine", "integer"), ("note", "string")])}}})), "已保存人数") },
        "/api/v1/assessment-rounds/{id}/score": { "post": op("评定等次（评分中 → 已评定），按政策权重、分数线和优秀比例上限", "考核", &["id:path"], None, "考核") },
        "/api/v1/assessment-rounds/{id}/grades": { "post": op("调整拟定等次（已评定状态，仍受优秀比例上限约束）", "考核", &["id:path"], Some(obj(&[("worker_id", "string"), ("grade", "string")])), "名单条目") },
        "/api/v1/assessment-rounds/{id}/publish": { "post": op("发布（等次写入档案，不可直接修改）；返回触发退出情形的人员", "考核", &["id:path"], None, "考核及退出提示") },
        "/api/v1/trainings/{id}/records/{worker_id}": { "put": op("记录一名人员的出勤和结果（缺勤或未通过不计学分）", "培训", &["id:path", "worker_id:path"], Some(obj(&[("attendance", "string"), ("result", "string")])), "培训记录") }
    })
}

fn base_spec() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": { "title": "社区工作者队伍管理信息系统 API", "version": env!("CARGO_PKG_VERSION"),
                  "description": "所有接口只返回调用者管辖区划内的数据；管辖范围外的记录一律返回 404。错误统一为 {\"code\",\"field\",\"message\"}。" },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }],
        "paths": {
            "/healthz": { "get": { "summary": "健康检查", "security": [], "responses": { "200": ok_json("正常", json!({"type": "object"})) } } },
            "/api/v1/workers/{id}/assessments": {
                "get": { "summary": "年度考核等次及退出标记", "tags": ["考核"], "parameters": [id_param()],
                    "responses": { "200": ok_json("考核", json!({"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}, "exit_flag": {"type": "boolean"}, "exit_rule": {"type": ["string", "null"]}}})), "404": error_response("不存在或不在管辖范围内") } },
                "post": { "summary": "发布年度考核等次（管理员）；已发布的年度不能再改", "tags": ["考核"], "parameters": [id_param()],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["year", "grade"], "properties": {
                        "year": {"type": "integer", "example": 2024}, "grade": {"type": "string", "enum": ["excellent", "competent", "basically_competent", "incompetent"]} } } } } },
                    "responses": { "201": ok_json("考核等次", json!({"type": "object"})), "409": error_response("该年度已发布"), "422": error_response("输入有误") } } },
            "/api/v1/workers/{id}/rewards": {
                "get": { "summary": "奖励和处分", "tags": ["社区工作者"], "parameters": [id_param()], "responses": { "200": ok_json("奖惩", json!({"type": "object"})), "404": error_response("不存在或不在管辖范围内") } },
                "post": { "summary": "记录奖励或处分", "tags": ["社区工作者"], "parameters": [id_param()],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["kind", "title", "issuer", "issued_on"], "properties": {
                        "kind": {"type": "string", "enum": ["reward", "sanction"]}, "title": {"type": "string"}, "issuer": {"type": "string", "description": "决定机关"},
                        "issued_on": {"type": "string", "format": "date"}, "note": {"type": "string"} } } } } },
                    "responses": { "201": ok_json("奖惩", json!({"type": "object"})), "404": error_response("不存在或不在管辖范围内"), "422": error_response("输入有误") } } },
            "/api/v1/trainings": {
                "get": { "summary": "本辖区组织的培训及参训人数", "tags": ["培训"], "responses": { "200": ok_json("培训", json!({"type": "object"})) } },
                "post": { "summary": "新建培训班次（管理员）", "tags": ["培训"],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["name", "kind", "start_date", "end_date"], "properties": {
                        "region": {"type": "string", "description": "组织区划，默认本人辖区"}, "name": {"type": "string"},
                        "kind": {"type": "string", "enum": ["initial", "duty", "degree", "topic", "online"]}, "organiser": {"type": "string"},
                        "start_date": {"type": "string", "format": "date"}, "end_date": {"type": "string", "format": "date"}, "hours": {"type": "integer"}, "credits": {"type": "integer"} } } } } },
                    "responses": { "201": ok_json("培训", json!({"type": "object"})), "422": error_response("输入有误") } } },
            "/api/v1/trainings/{id}/enrol": { "post": { "summary": "批量记录参训（按筛选条件选中的在岗人员）", "tags": ["培训"], "parameters": [id_param()],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "description": "与名单筛选相同的条件：region、post_category、certificate 等" } } } },
                "responses": { "200": ok_json("新增参训人数", json!({"type": "object", "properties": {"added": {"type": "integer"}}})), "404": error_response("不存在或不在管辖范围内") } } },
            "/api/v1/training/overdue": { "get": { "summary": "培训逾期人员（书记、主任每年一训，其他人员至少每两年一训）", "tags": ["培训"],
                "parameters": [{ "name": "region", "in": "query", "schema": { "type": "string" } }],
                "responses": { "200": ok_json("逾期人员", json!({"type": "object"})) } } },
            "/api/v1/training/overdue.xlsx": { "get": { "summary": "导出培训逾期人员", "tags": ["培训"],
                "parameters": [{ "name": "region", "in": "query", "schema": { "type": "string" } }],
                "responses": { "200": { "description": "xlsx 文件" } } } },
        },
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}

/// The document (also used by the route test): the archive's paths and the career system's.
/// Figures (统计分析) and roster import (导入).
fn figures_paths() -> Value {
    let xlsx = |summary: &str, tag: &str, params: &[&str]| {
        let mut o = op(summary, tag, params, None, "xlsx");
        o["responses"]["200"] = json!({ "description": "Excel 文件（xlsx）" });
        o
    };
    json!({
        "/api/v1/stats": { "get": op("某区划某日的队伍统计（按历史记录计算，非当前状态）：人数、专职、岗位类别、学历、证书、年龄、性别、政治面貌、工作年限，大专以上与持证占比，每万常住人口与每300户人数，相对对比日期的增减与增幅，生成的情况说明，以及各下级区划（计数为下级之和）", "统计分析", &["region", "date", "base_date", "urban"], None,
            "{\"region\",\"date\",\"base_date\",\"figures\",\"base\",\"change\",\"sentences\",\"children\"}") },
        "/api/v1/stats/trend": { "get": array_op("历年年底人数及专职人数", "统计分析", &["region", "date", "from_year", "urban"], None, "[{\"date\",\"workers\",\"full_time\"}]") },
        "/api/v1/imports/template.xlsx": { "get": xlsx("导入模板：中文表头（含必需的 姓名、身份证号、所在社区代码、岗位类别、职务、任职开始日期、学历代码、社工证等级、手机号码），国家标准代码下拉列表，填写说明和示例行", "导入", &[]) },
        "/api/v1/imports": { "post": {
            "summary": "上传花名册（multipart：file 为 .xlsx 或 .csv（UTF-8/GB18030），dry_run=true 只检查）。检查全部行；dry_run=false 且无错误时一次性全部导入（同一身份证号更新原档案，不重复建档），有错误时不作任何修改",
            "tags": ["导入"],
            "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": { "type": "object", "properties": { "file": { "type": "string", "format": "binary" }, "dry_run": { "type": "string", "enum": ["true", "false"] } }, "required": ["file"] } } } },
            "responses": {
                "200": ok_json("{\"id\",\"rows\",\"errors\":[{\"row\",\"field\",\"message\"}],\"committed\",\"created\",\"updated\",\"unchanged\"}", json!({"type": "object"})),
                "422": ok_json("有错误的行（未作任何修改），格式同上；或文件本身无法读取", json!({"type": "object"})),
                "403": error_response("无导入权限")
            }
        } },
        "/api/v1/imports/{id}/commit": { "post": op("确认导入已检查的文件（重新检查后全部导入或不作任何修改）", "导入", &["id:path"], None, "{\"rows\",\"errors\",\"committed\"}") },
        "/api/v1/imports/{id}/errors.xlsx": { "get": xlsx("下载检查出的错误表（行号、列、原因）", "导入", &["id:path"]) },
        "/api/v1/stats.xlsx": { "get": xlsx("统计分析导出 Excel（part=summary|structure|children|trend，缺省为全部）", "统计分析", &["region", "date", "base_date", "urban", "part"]) },
    })
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "社区工作者队伍管理信息系统 API",
        description = "所有接口只返回调用者管辖区划内的数据；管辖范围外的记录一律返回 404。错误统一为 {\"code\",\"field\",\"message\"}。"
    ),
    components(schemas(crate::error::ErrorBody))
)]
struct Doc;

/// The features' generated descriptions, under `/api/v1`.
pub fn generated() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    let v1 = crate::account::Api::openapi()
        .merge_from(crate::admin::Api::openapi())
        .merge_from(crate::archive::Api::openapi())
        .merge_from(crate::dashboard::Api::openapi())
        .merge_from(crate::reserves::Api::openapi());
    Doc::openapi().nest("/api/v1", v1)
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
    let legacy = legacy_paths();
    if let (Some(p), Some(more)) = (s["paths"].as_object_mut(), legacy["paths"].as_object()) {
        for (path, item) in more {
            p.entry(path.clone()).or_insert_with(|| item.clone());
        }
    }
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

/// The routes of the features not yet described by their handlers.
fn legacy_paths() -> Value {
    let mut s = base_spec();
    for more in [career_paths(), figures_paths()] {
        if let (Some(p), Value::Object(more)) = (s["paths"].as_object_mut(), more) {
            p.extend(more);
        }
    }
    s
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
