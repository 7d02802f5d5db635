//! The generic table page: sections of tables and forms, one template, exported to Excel with
//! `format=xlsx`; the message carried back after a form; small formatting helpers.

use crate::auth::Caller;
use crate::error::AppError;
use crate::page::{Chrome, PageResult, chrome, render};
use crate::paging::Paging;
use crate::state::AppState;
use askama::Template;
use serde::{Deserialize, Serialize};
use shegong_domain::Permission;
use shegong_domain::{RegionCode, Scope};
use shegong_store::StoreError;

pub(crate) use crate::numbers::{money, pct, thousands};

#[derive(Default)]
pub struct Field {
    pub(crate) label: String,
    pub(crate) name: String,
    pub(crate) kind: &'static str,
    pub(crate) value: String,
    pub(crate) size: u32,
    pub(crate) options: Vec<(String, String)>,
}

pub(crate) fn input(label: &str, name: &str, kind: &'static str, value: impl Into<String>, size: u32) -> Field {
    Field { label: label.into(), name: name.into(), kind, value: value.into(), size, options: vec![] }
}

pub(crate) fn select(label: &str, name: &str, value: &str, options: Vec<(String, String)>) -> Field {
    Field { label: label.into(), name: name.into(), kind: "select", value: value.into(), size: 0, options }
}

pub(crate) fn hidden(name: &str, value: impl Into<String>) -> Field {
    input("", name, "hidden", value, 0)
}

/// Boxes to tick, one per option, each sent as `{name}.{key}`; `checked` are the keys ticked.
pub(crate) fn checks(label: &str, name: &str, checked: &[String], options: Vec<(String, String)>) -> Field {
    Field { label: label.into(), name: name.into(), kind: "checks", value: checked.join(","), size: 0, options }
}

impl Field {
    /// Whether box `key` of a [`checks`] field is ticked.
    pub(crate) fn checked(&self, key: &str) -> bool {
        self.value.split(',').any(|k| k == key)
    }
}

impl FormSpec {
    /// Whether the form uploads a file (sent as multipart).
    pub(crate) fn has_file(&self) -> bool {
        self.fields.iter().any(|f| f.kind == "file")
    }
}

#[derive(Default)]
pub struct FormSpec {
    pub(crate) action: String,
    pub(crate) fields: Vec<Field>,
    pub(crate) button: String,
    pub(crate) plain: bool,
    /// Asked before an irreversible step: what will happen, with its counts.
    pub(crate) confirm: String,
    /// A filter: sent with GET to the page itself (`action` empty), without a CSRF token.
    pub(crate) get: bool,
}

#[derive(Default)]
pub struct Cell {
    pub(crate) text: String,
    pub(crate) href: String,
    pub(crate) num: bool,
    pub(crate) form: String,
    pub(crate) hidden: Vec<(String, String)>,
    pub(crate) input: String,
    /// The input's hint, and whether it must be filled.
    pub(crate) placeholder: String,
    pub(crate) required: bool,
    /// An input of the section's grid form (`input` is its name, `text` its value).
    pub(crate) grid: bool,
    /// The value is wrong (marked in the grid).
    pub(crate) error: bool,
    pub(crate) options: Vec<(String, String)>,
    /// The select's field name (`grade` when empty).
    pub(crate) select_name: String,
    pub(crate) button: String,
    /// Asked before the cell's form is sent (an irreversible step).
    pub(crate) confirm: String,
}

pub(crate) fn t(s: impl ToString) -> Cell {
    Cell { text: s.to_string(), ..Default::default() }
}

pub(crate) fn n(s: impl ToString) -> Cell {
    Cell { text: s.to_string(), num: true, ..Default::default() }
}

pub(crate) fn link(s: impl ToString, href: impl Into<String>) -> Cell {
    Cell { text: s.to_string(), href: href.into(), ..Default::default() }
}

#[derive(Default)]
pub struct Row {
    pub(crate) cells: Vec<Cell>,
    pub(crate) flag: bool,
}

pub(crate) fn row(cells: Vec<Cell>) -> Row {
    Row { cells, flag: false }
}

#[derive(Default)]
pub struct Section {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) text: String,
    pub(crate) chart: String,
    pub(crate) pre: String,
    pub(crate) forms: Vec<FormSpec>,
    pub(crate) headers: Vec<Header>,
    pub(crate) rows: Vec<Row>,
    pub(crate) pager: Vec<(String, String)>,
    /// The table is paged here but its export (`format=xlsx`) has every row.
    pub(crate) whole_export: bool,
    /// Where the table's grid of inputs is posted, all at once (empty: no grid).
    pub(crate) grid: String,
    /// On a phone, one card per row with each value under its heading (a list read on the move).
    pub(crate) cards: bool,
}

impl Section {
    /// The heading of column `i`, for a card's labels.
    pub(crate) fn header_label(&self, i: &usize) -> &str {
        self.headers.get(*i).map_or("", |h| h.label.as_str())
    }
}

/// A column heading; `num` right-aligns the column (a heading written `#label`).
pub(crate) struct Header {
    pub(crate) label: String,
    pub(crate) num: bool,
}

pub(crate) fn headers(h: &[&str]) -> Vec<Header> {
    h.iter()
        .map(|x| match x.strip_prefix('#') {
            Some(x) => Header { label: x.to_string(), num: true },
            None => Header { label: x.to_string(), num: false },
        })
        .collect()
}

/// A key figure at the top of a page: what it is, the figure, and a line under it.
pub(crate) struct Kpi {
    pub(crate) label: String,
    pub(crate) value: String,
    pub(crate) sub: String,
}

impl Kpi {
    pub(crate) fn list(v: Vec<(String, String, String)>) -> Vec<Kpi> {
        v.into_iter().map(|(label, value, sub)| Kpi { label, value, sub }).collect()
    }
}

#[derive(Template)]
#[template(path = "sections.html")]
pub(crate) struct SectionsPage {
    pub(crate) c: Chrome,
    pub(crate) title: String,
    pub(crate) subtitle: String,
    pub(crate) crumbs: Vec<(String, String)>,
    pub(crate) links: Vec<(String, String)>,
    pub(crate) notice: String,
    pub(crate) error: String,
    pub(crate) kpis: Vec<Kpi>,
    pub(crate) sections: Vec<Section>,
    /// The page's query with `format=xlsx`: each table links to its export (empty: no export).
    pub(crate) export_query: String,
}

impl SectionsPage {
    /// Renders the page, or with `format=xlsx` writes its tables to Excel (one sheet a table, what
    /// the page shows: the same handler, filters and scope).
    pub(crate) async fn finish(self, m: &Msg) -> PageResult {
        if m.format.as_deref() == Some("xlsx") {
            return Ok(self.xlsx().await?);
        }
        render(self)
    }

    pub(crate) async fn xlsx(&self) -> Result<axum::response::Response, AppError> {
        use crate::xlsx::{xerr, xlsx_response};
        let mut wb = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let mut names = std::collections::HashSet::new();
        for (i, sec) in self.sections.iter().filter(|s| !s.headers.is_empty()).enumerate() {
            let ws = wb.add_worksheet();
            // Sheet names: at most 31 characters, unique, without []:*?/\.
            let base: String = if sec.title.is_empty() { self.title.clone() } else { sec.title.clone() }
                .chars()
                .filter(|c| !"[]:*?/\\".contains(*c))
                .take(28)
                .collect();
            let name = if names.insert(base.clone()) { base } else { format!("{base}{}", i + 1) };
            ws.set_name(&name).map_err(xerr)?;
            for (c, Header { label: h, .. }) in sec.headers.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, h, &bold).map_err(xerr)?;
                ws.set_column_width(c as u16, 14).map_err(xerr)?;
            }
            for (r, row) in sec.rows.iter().enumerate() {
                for (c, cell) in row.cells.iter().enumerate() {
                    let (r, c) = (r as u32 + 1, c as u16);
                    // Figures stay numbers in Excel (money shown as "1,234.50").
                    match cell.text.replace(',', "").parse::<f64>() {
                        Ok(v) if cell.num => ws.write_number(r, c, v),
                        _ => ws.write_string(r, c, crate::xlsx::cell(&cell.text)),
                    }
                    .map_err(xerr)?;
                }
            }
        }
        let name = format!("{}.xlsx", self.title);
        xlsx_response(wb, "table.xlsx", &name).await
    }

    /// Whether the request asks for the Excel file.
    pub(crate) fn wants_xlsx(m: &Msg) -> bool {
        m.format.as_deref() == Some("xlsx")
    }
    pub(crate) async fn new(
        st: &AppState,
        caller: &Caller,
        nav: &'static str,
        title: &str,
        m: &Msg,
    ) -> Result<Self, crate::error::PageError> {
        Ok(Self {
            c: chrome(st, caller, nav).await?,
            title: title.into(),
            subtitle: String::new(),
            crumbs: vec![],
            links: vec![],
            notice: crate::flash::verified(
                "notice",
                m.notice.as_deref(),
                m.t.as_deref(),
                m.sig.as_deref(),
                caller.user.id,
            ),
            error: crate::flash::verified(
                "error",
                m.error.as_deref(),
                m.t.as_deref(),
                m.sig.as_deref(),
                caller.user.id,
            ),
            kpis: vec![],
            sections: vec![],
            export_query: {
                let q = serde_urlencoded::to_string(m).unwrap_or_default();
                if q.is_empty() { "format=xlsx".into() } else { format!("{q}&format=xlsx") }
            },
        })
    }
}

/// Messages carried back to a page after a form, and the page's own query (filters, page,
/// `format=xlsx` for the export of its tables).
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct Msg {
    #[serde(skip_serializing)]
    pub(crate) notice: Option<String>,
    #[serde(skip_serializing)]
    pub(crate) error: Option<String>,
    /// The time and the server's signature of the message (see `flash`).
    #[serde(skip_serializing)]
    pub(crate) t: Option<String>,
    #[serde(skip_serializing)]
    pub(crate) sig: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) region: Option<String>,
    /// The kind of alert listed (`/alerts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) page: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) per_page: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reference_wage_change_pct: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) start_pct: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) step_pct: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) certificate_intermediate_yuan: Option<String>,
    /// Filters of the residents' pages: a grid, a care tag, a wish's state, a week or a month.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) grid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) week: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) month: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) quarter: Option<String>,
    /// A period's first and last day (`/proofs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) to: Option<String>,
    /// The household a visit form starts from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) household: Option<String>,
}

impl Msg {
    /// The page of a list this query asks for; every row for an export.
    pub(crate) fn paging(&self) -> Paging {
        if self.format.as_deref() == Some("xlsx") { Paging::all() } else { Paging::new(self.page, self.per_page) }
    }

    /// The links to the other pages of the list at `path`, of `total` rows, keeping the query's
    /// filters.
    pub(crate) fn page_links(&self, path: &str, total: usize) -> Vec<(String, String)> {
        self.paging().links(total as u64, |page, per_page| {
            let q = Msg { page: Some(page), per_page: Some(per_page), format: None, ..self.clone() };
            format!("{path}?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
        })
    }
}

pub(crate) fn back(caller: &Caller, to: &str, r: Result<String, AppError>) -> axum::response::Response {
    crate::flash::back(caller.user.id, to, r)
}

pub(crate) fn store<T>(r: Result<T, StoreError>) -> Result<T, AppError> {
    r.map_err(AppError::from)
}

pub(crate) fn region_in(caller: &Caller, q: Option<&str>) -> Result<(RegionCode, Scope), AppError> {
    match q.map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => {
            let code = RegionCode::parse(r).map_err(|_| AppError::NotFound)?;
            let scope = caller.scope.narrow(&code).ok_or(AppError::NotFound)?;
            Ok((scope.region().clone(), scope))
        }
        None => Ok((caller.scope.region().clone(), caller.scope.clone())),
    }
}

pub(crate) fn not_for_workers(caller: &Caller) -> Result<(), AppError> {
    Ok(caller.access.require(Permission::ViewRegion)?)
}

pub(crate) fn region_options(st_children: &[(String, String)], own: &(String, String)) -> Vec<(String, String)> {
    let mut v = vec![own.clone()];
    v.extend(st_children.iter().cloned());
    v
}

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

/// A refused form's page shown again, with what was typed in it and every reason, as 422; nothing
/// was stored.
pub(crate) fn refused(
    page: Result<SectionsPage, crate::error::PageError>,
    errors: &[shegong_domain::FieldError],
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match page {
        Ok(mut p) => {
            p.error = errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；");
            let mut r = crate::page::render(p).into_response();
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
        Err(e) => e.into_response(),
    }
}
