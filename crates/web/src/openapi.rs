//! The OpenAPI 3.1 document of the JSON API, and Swagger UI (vendored) to read it.
//! A test checks that every API route is described here.

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

fn worker_post(summary: &str, schema: &str) -> Value {
    json!({ "post": {
        "summary": summary, "tags": ["社区工作者"], "parameters": [id_param()],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } },
        "responses": { "200": ok_json("更新后的档案", json!({"$ref": "#/components/schemas/WorkerDetail"})), "404": error_response("不存在或不在管辖范围内"), "422": error_response("输入有误，未作任何修改") }
    }})
}

/// The document (also used by the route test).
pub fn spec() -> Value {
    let filters = [
        "region",
        "q",
        "post_category",
        "education",
        "certificate",
        "full_time",
        "two_committees",
        "status",
        "age_min",
        "age_max",
        "sort",
    ];
    let mut list_params: Vec<Value> = filters
        .iter()
        .map(|f| json!({ "name": f, "in": "query", "schema": { "type": "string" } }))
        .collect();
    let export_params = list_params.clone();
    list_params.push(json!({ "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } }));
    list_params.push(
        json!({ "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 200 } }),
    );
    json!({
        "openapi": "3.1.0",
        "info": { "title": "社区工作者队伍管理信息系统 API", "version": env!("CARGO_PKG_VERSION"),
                  "description": "所有接口只返回调用者管辖区划内的数据；管辖范围外的记录一律返回 404。错误统一为 {\"code\",\"field\",\"message\"}。" },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }],
        "paths": {
            "/healthz": { "get": { "summary": "健康检查", "security": [], "responses": { "200": ok_json("正常", json!({"type": "object"})) } } },
            "/api/v1/auth/token": { "post": { "summary": "用用户名和密码换取 API 令牌", "tags": ["认证"], "security": [],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["username", "password"],
                    "properties": { "username": {"type": "string"}, "password": {"type": "string"}, "name": {"type": "string", "description": "令牌用途"} } } } } },
                "responses": { "201": ok_json("令牌（只返回这一次）", json!({"type": "object", "properties": {"token": {"type": "string"}, "id": {"type": "string"}}})),
                               "401": error_response("用户名或密码错误"), "429": error_response("失败次数过多") } } },
            "/api/v1/auth/tokens/{id}": { "delete": { "summary": "吊销自己的令牌", "tags": ["认证"], "parameters": [id_param()],
                "responses": { "204": { "description": "已吊销" }, "404": error_response("不存在") } } },
            "/api/v1/me": { "get": { "summary": "当前用户", "tags": ["认证"], "responses": { "200": ok_json("当前用户", json!({"type": "object"})) } } },
            "/api/v1/regions/{code}": { "get": { "summary": "区划及其下级", "tags": ["行政区划"],
                "parameters": [{ "name": "code", "in": "path", "required": true, "schema": { "type": "string" } }],
                "responses": { "200": ok_json("区划", json!({"$ref": "#/components/schemas/Region"})), "404": error_response("不存在或不在管辖范围内") } } },
            "/api/v1/workers": {
                "get": { "summary": "社区工作者名单（筛选、排序、分页）", "tags": ["社区工作者"], "parameters": list_params,
                    "responses": { "200": ok_json("名单", json!({"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/WorkerItem"}}, "total": {"type": "integer"}}})),
                                   "422": error_response("筛选条件有误") } },
                "post": { "summary": "新增社区工作者（建档）", "tags": ["社区工作者"],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewWorker" } } } },
                    "responses": { "201": ok_json("档案", json!({"$ref": "#/components/schemas/WorkerDetail"})), "409": error_response("该身份证号码已在其他社区在岗"), "422": error_response("输入有误，未作任何修改") } } },
            "/api/v1/workers.xlsx": { "get": { "summary": "导出名单（Excel，中文表头）", "tags": ["社区工作者"], "parameters": export_params,
                "responses": { "200": { "description": "xlsx 文件", "content": { "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {} } } } } },
            "/api/v1/workers/{id}": {
                "get": { "summary": "完整电子档案", "tags": ["社区工作者"], "parameters": [id_param()],
                    "responses": { "200": ok_json("档案", json!({"$ref": "#/components/schemas/WorkerDetail"})), "404": error_response("不存在或不在管辖范围内") } },
                "patch": { "summary": "修改基本信息（逐字段记入履历）", "tags": ["社区工作者"], "parameters": [id_param()],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WorkerPatch" } } } },
                    "responses": { "200": ok_json("档案", json!({"$ref": "#/components/schemas/WorkerDetail"})), "404": error_response("不存在或不在管辖范围内"), "422": error_response("输入有误，未作任何修改") } } },
            "/api/v1/workers/{id}/history": { "get": { "summary": "档案变更履历", "tags": ["社区工作者"], "parameters": [id_param()],
                "responses": { "200": ok_json("履历", json!({"type": "object"})) } } },
            "/api/v1/workers/{id}/appointments": worker_post("新增任职（调动时原任职于新任职开始日结束）", "Appointment"),
            "/api/v1/workers/{id}/educations": worker_post("新增学历", "Education"),
            "/api/v1/workers/{id}/certificates": worker_post("新增社工证", "Certificate"),
            "/api/v1/workers/{id}/agreements": worker_post("签订服务协议（一届一签）", "Agreement"),
            "/api/v1/workers/{id}/exit": worker_post("办理退出（档案保留、只读）", "Exit"),
            "/api/v1/workers/{id}/corrections": worker_post("本人申请更正档案", "Correction"),
            "/api/v1/workers/{id}/corrections/{cid}/resolve": { "post": { "summary": "标记更正申请为已处理", "tags": ["社区工作者"],
                "parameters": [id_param(), { "name": "cid", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                "responses": { "200": ok_json("更正申请", json!({"type": "object"})), "404": error_response("不存在或不在管辖范围内") } } },
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
            "/api/v1/alerts": { "get": { "summary": "预警：退出情形、协议到期（90天内）、培训逾期、持证人数低于目标的社区", "tags": ["考核"],
                "parameters": [{ "name": "region", "in": "query", "schema": { "type": "string" } }],
                "responses": { "200": ok_json("预警", json!({"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
                    "kind": {"type": "string", "enum": ["exit_flag", "agreement_expiring", "training_overdue", "certificate_goal"]}, "worker_id": {"type": "string"}, "region_code": {"type": "string"},
                    "message": {"type": "string"}, "since": {"type": ["string", "null"], "format": "date"} }}}}})) } } },
            "/api/v1/users": {
                "get": { "summary": "管辖范围内的用户", "tags": ["用户"], "responses": { "200": ok_json("用户", json!({"type": "object"})) } },
                "post": { "summary": "新增用户", "tags": ["用户"],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewUser" } } } },
                    "responses": { "201": ok_json("用户", json!({"type": "object"})), "403": error_response("无权创建该角色"), "409": error_response("用户名已被使用"), "422": error_response("输入有误") } } },
            "/api/v1/audit": { "get": { "summary": "审计日志", "tags": ["审计"],
                "parameters": [{ "name": "page", "in": "query", "schema": {"type": "integer"} }, { "name": "per_page", "in": "query", "schema": {"type": "integer"} }],
                "responses": { "200": ok_json("日志", json!({"type": "object"})) } } }
        },
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Error": { "type": "object", "required": ["code", "message"], "properties": {
                    "code": {"type": "string", "example": "id_number_checksum"}, "field": {"type": ["string", "null"], "example": "id_number"},
                    "message": {"type": "string", "example": "身份证号码校验位错误"}, "errors": {"type": "array", "items": {"type": "object"}} } },
                "Region": { "type": "object", "properties": { "code": {"type": "string"}, "name": {"type": "string"}, "level": {"type": "string", "enum": ["province", "city", "county", "street", "community", "grid"]},
                    "parent_code": {"type": ["string", "null"]}, "households": {"type": "integer"}, "residents": {"type": "integer"},
                    "children": {"type": "array", "items": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "level": {"type": "string"}}}} } },
                "WorkerItem": { "type": "object", "properties": { "id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}, "id_number": {"type": "string", "description": "脱敏，如 330481********123X"},
                    "gender": {"type": "string"}, "birth_date": {"type": "string", "format": "date"}, "age": {"type": "integer"}, "community_code": {"type": "string"}, "community_name": {"type": "string"},
                    "post_category": {"type": "string", "enum": ["head", "deputy", "staff", "committee", "station"]}, "title": {"type": "string"}, "two_committees": {"type": "boolean"}, "full_time": {"type": "boolean"},
                    "education_code": {"type": ["string", "null"]}, "certificate_level": {"type": ["string", "null"], "enum": ["junior", "intermediate", "senior", null]}, "status": {"type": "string", "enum": ["active", "exited"]} } },
                "WorkerDetail": { "allOf": [{ "$ref": "#/components/schemas/WorkerItem" }, { "type": "object", "properties": {
                    "exit_flag": {"type": "boolean", "description": "退出情形标记（连续两年或累计三年考核不合格）"}, "exit_rule": {"type": ["string", "null"]},
                    "assessments": {"type": "array", "items": {"type": "object"}},
                    "id_number_full": {"type": ["string", "null"], "description": "管理员和审计人员可见，每次查看记入审计日志"}, "ethnicity": {"type": "string"}, "political_status": {"type": "string"},
                    "phone": {"type": ["string", "null"]}, "address": {"type": ["string", "null"]}, "service_years": {"type": "integer"},
                    "appointments": {"type": "array", "items": {"type": "object"}}, "educations": {"type": "array", "items": {"type": "object"}},
                    "certificates": {"type": "array", "items": {"type": "object"}}, "agreements": {"type": "array", "items": {"type": "object"}} } }] },
                "NewWorker": { "type": "object", "required": ["name", "id_number", "community_code", "post_category", "title", "start_date"], "properties": {
                    "name": {"type": "string", "example": "王小明"}, "id_number": {"type": "string", "description": "18位，或15位旧号码（自动升位）"},
                    "gender": {"type": "string", "description": "1 男，2 女；省略时按身份证号码"}, "birth_date": {"type": "string", "format": "date"},
                    "ethnicity": {"type": "string", "description": "GB/T 3304，默认 01"}, "political_status": {"type": "string", "description": "GB/T 4762，默认 13"},
                    "phone": {"type": "string"}, "address": {"type": "string"}, "community_code": {"type": "string", "description": "12位社区代码"},
                    "post_category": {"type": "string", "enum": ["head", "deputy", "staff"]}, "title": {"type": "string", "example": "专职工作者"}, "start_date": {"type": "string", "format": "date"},
                    "education_code": {"type": "string", "description": "GB/T 4658"}, "school": {"type": "string"}, "major": {"type": "string"},
                    "two_committees": {"type": "boolean"}, "full_time": {"type": "boolean"}, "party_building": {"type": "boolean"},
                    "certificate_level": {"type": "string", "enum": ["junior", "intermediate", "senior"]}, "certificate_number": {"type": "string"}, "certificate_date": {"type": "string", "format": "date"} } },
                "WorkerPatch": { "type": "object", "properties": { "name": {"type": "string"}, "id_number": {"type": "string"}, "gender": {"type": "string"}, "birth_date": {"type": "string"},
                    "ethnicity": {"type": "string"}, "political_status": {"type": "string"}, "phone": {"type": "string"}, "address": {"type": "string"} } },
                "Appointment": { "type": "object", "required": ["community_code", "post_category", "title", "start_date"], "properties": { "community_code": {"type": "string"}, "post_category": {"type": "string"},
                    "title": {"type": "string"}, "start_date": {"type": "string", "format": "date"}, "two_committees": {"type": "boolean"}, "full_time": {"type": "boolean"}, "party_building": {"type": "boolean"}, "transfer": {"type": "boolean", "default": true} } },
                "Education": { "type": "object", "required": ["education_code"], "properties": { "education_code": {"type": "string"}, "school": {"type": "string"}, "major": {"type": "string"}, "graduated_on": {"type": "string", "format": "date"} } },
                "Certificate": { "type": "object", "required": ["level"], "properties": { "level": {"type": "string", "enum": ["junior", "intermediate", "senior"]}, "number": {"type": "string"}, "issued_on": {"type": "string", "format": "date"} } },
                "Agreement": { "type": "object", "required": ["term", "start_date", "end_date"], "properties": { "term": {"type": "string"}, "number": {"type": "string"}, "start_date": {"type": "string", "format": "date"}, "end_date": {"type": "string", "format": "date"}, "signed_on": {"type": "string", "format": "date"} } },
                "Exit": { "type": "object", "required": ["exited_on", "reason"], "properties": { "exited_on": {"type": "string", "format": "date"}, "reason": {"type": "string"} } },
                "Correction": { "type": "object", "required": ["message"], "properties": { "field": {"type": "string"}, "message": {"type": "string"} } },
                "NewUser": { "type": "object", "required": ["username", "role", "password"], "properties": { "username": {"type": "string"}, "display_name": {"type": "string"},
                    "role": {"type": "string", "enum": ["province_admin", "city_admin", "county_admin", "street_admin", "community_head", "worker", "auditor"]},
                    "region": {"type": "string"}, "id_number": {"type": "string", "description": "worker 角色：本人身份证号码"}, "password": {"type": "string", "minLength": 8} } }
            }
        }
    })
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
