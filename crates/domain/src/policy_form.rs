//! A policy file as a form: every rule an administrator changes (posts and their levels and pay,
//! the staffing norm, the pay scale, allowance tables, progression, training, assessment weights and
//! caps, exit, reserves) as a labelled field, read from the TOML and written back into it with its
//! comments kept, then checked by [`Policy::parse`] — whose message is put beside the field it is
//! about. The TOML stays the record; the form is another way to write it.
use crate::career::Grade;
use crate::pay::parse_yuan;
use crate::policy::{Policy, REFERENCE_WAGES};
use crate::worker::CertificateLevel;
use std::collections::HashMap;
use toml_edit::{DocumentMut, Item, Value};

/// How a field is typed and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A whole number, 0 or more.
    Int,
    /// Yuan with at most two decimals (written as an integer when whole).
    Yuan,
    /// A number that may have decimals (percentages such as 1.5).
    Number,
    /// Two whole numbers, from–to (`7-18`).
    Range,
    /// Yes or no.
    Flag,
    /// One of a list.
    Choice,
    /// Yuan amounts, one per level, separated by commas.
    YuanList,
}

/// One field of the form, with the value it shows and the checker's message for it.
#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    /// Where it is in the file: `pay.progression.years_per_level`, `posts.0.levels`.
    pub path: String,
    pub label: String,
    pub kind: Kind,
    /// For [`Kind::Choice`]: (value, label).
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub hint: String,
    pub value: String,
    pub error: Option<String>,
}

/// A titled group of fields (one rule).
#[derive(Debug, Clone, PartialEq)]
pub struct FormGroup {
    pub title: String,
    pub fields: Vec<FormField>,
}

/// A problem found in the form: the field's path (empty when it is about the file as a whole) and
/// the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    pub path: String,
    pub message: String,
}

struct Spec {
    group: String,
    path: String,
    label: String,
    kind: Kind,
    options: Vec<(String, String)>,
    required: bool,
    hint: &'static str,
    /// What the policy takes when the key is absent (shown so; not written while unchanged).
    default: &'static str,
}

const EDUCATION: [(&str, &str); 4] = [
    ("postgraduate", "研究生"),
    ("bachelor", "大学本科"),
    ("college", "大学专科"),
    ("high_school", "高中（中专）及以下"),
];

/// Fields added group by group.
#[derive(Default)]
struct Specs {
    out: Vec<Spec>,
    group: String,
}

impl Specs {
    fn group(&mut self, title: impl Into<String>) {
        self.group = title.into();
    }

    fn field(
        &mut self,
        path: impl Into<String>,
        label: impl Into<String>,
        kind: Kind,
        required: bool,
        hint: &'static str,
    ) {
        self.out.push(Spec {
            group: self.group.clone(),
            path: path.into(),
            label: label.into(),
            kind,
            options: vec![],
            required,
            hint,
            default: "",
        });
    }

    /// The last field's value when the file leaves it out.
    fn defaults_to(&mut self, v: &'static str) {
        if let Some(last) = self.out.last_mut() {
            last.default = v;
        }
    }

    fn choice(&mut self, path: &str, label: &str, options: &[(&str, &str)], required: bool) {
        self.field(path, label, Kind::Choice, required, "");
        if let Some(last) = self.out.last_mut() {
            last.options = options.iter().map(|(v, l)| (v.to_string(), l.to_string())).collect();
        }
    }
}

/// The fields this file has, in the order of the file, shaped by what it holds (how many posts,
/// which kind of staffing norm, a pay table or a scale on a reference wage, a floor or none).
fn specs(doc: &DocumentMut) -> Vec<Spec> {
    use Kind::*;
    let mut s = Specs::default();
    s.group("名称与依据");
    s.field("title", "政策名称", Text, true, "");
    s.field("source", "依据文件", Text, true, "发文机关、文件名称和日期");
    let posts = doc.get("posts").and_then(Item::as_array_of_tables).map_or(0, |a| a.len());
    for i in 0..posts {
        let name = doc["posts"][i]["label"].as_str().unwrap_or("").to_string();
        s.group(format!("岗位类别 {}：{name}", i + 1));
        s.field(format!("posts.{i}.label"), "名称", Text, true, "");
        s.field(format!("posts.{i}.levels"), "等级范围", Range, true, "起始等级-最高等级，如 7-18");
        s.field(format!("posts.{i}.post_pay"), "岗位薪酬（元/月）", Yuan, false, "不设可留空");
        s.field(format!("posts.{i}.allowance"), "岗位津贴（元/月）", Yuan, false, "不设可留空");
    }
    s.group("员额与网格");
    match doc["staffing"]["norm"]["kind"].as_str() {
        Some("per_households") => {
            s.field("staffing.norm.households", "每名社区工作者服务户数", Int, true, "每多少户配1人")
        }
        Some("per_residents") => s.field("staffing.norm.per_10000", "每万名居民配备人数", Int, true, ""),
        Some("tiered") => {
            s.field("staffing.norm.base_households", "基础户数", Int, true, "此户数以下按基础人数配备");
            s.field("staffing.norm.base_min", "基础人数下限", Int, true, "");
            s.field("staffing.norm.base_max", "基础人数上限", Int, true, "");
            s.field("staffing.norm.step_min", "超出部分每增户数（多配）", Int, true, "每增加此户数，上限增配1人");
            s.field("staffing.norm.step_max", "超出部分每增户数（少配）", Int, true, "每增加此户数，下限增配1人");
        }
        _ => {}
    }
    s.field("staffing.party_building_min", "党建专职工作者最少人数", Int, false, "");
    s.field("staffing.grid_households", "每个网格户数", Range, true, "下限-上限，如 300-500");
    s.group("薪酬等级");
    s.field("pay.levels", "等级数", Int, true, "");
    s.choice("pay.unit", "等级称谓", &[("级", "级"), ("档", "档")], true);
    if doc["pay"].get("base").is_some() {
        s.field("pay.base", "各级基本薪酬（元/月）", YuanList, true, "从第1级起用逗号分隔，个数等于等级数");
    }
    if doc["pay"].get("base_reference").is_some() {
        s.choice("pay.base_reference.key", "参照工资", &REFERENCE_WAGES, true);
        s.field("pay.base_reference.start_pct", "第1级为参照月工资的百分比", Number, true, "如 118");
        s.field("pay.base_reference.step_pct", "每级递增百分点", Number, true, "如 3 或 1.5");
    }
    s.field("pay.performance_pct", "绩效工资占比（%）", Int, false, "按街道统筹、按等次分配；不设可留空");
    if doc["pay"].get("floor").is_some() {
        s.choice("pay.floor.key", "保障线参照工资", &REFERENCE_WAGES, true);
        s.field("pay.floor.pct", "年薪酬保障线（参照工资的%）", Int, true, "如 120 即不低于参照工资的1.2倍");
    }
    s.field("pay.separate_duties", "计算、审核、锁定须由不同人员办理", Flag, true, "");
    s.defaults_to("true");
    s.group("津贴与系数");
    for c in CertificateLevel::ALL {
        s.field(
            format!("pay.certificate_allowance.{}", c.as_str()),
            format!("持证补助·{}（元/月）", c.label()),
            Yuan,
            false,
            "",
        );
    }
    for (k, l) in EDUCATION {
        s.field(format!("pay.education_allowance.{k}"), format!("学历津贴·{l}（元/月）"), Yuan, false, "");
    }
    for c in CertificateLevel::ALL {
        s.field(
            format!("pay.certificate_levels.{}", c.as_str()),
            format!("持证增加等级·{}", c.label()),
            Int,
            false,
            "",
        );
    }
    for (k, l) in EDUCATION {
        s.field(format!("pay.entry_education_levels.{k}"), format!("入职学历增加等级·{l}"), Int, false, "");
    }
    for g in Grade::ALL {
        s.field(
            format!("pay.performance_factors.{}", g.as_str()),
            format!("绩效系数·{}（%）", g.label()),
            Int,
            false,
            "",
        );
    }
    s.group("等级晋升");
    s.field("pay.progression.years_per_level", "每晋升1级所需年限", Int, true, "");
    let grades: Vec<(&str, &str)> = Grade::ALL.iter().map(|g| (g.as_str(), g.label())).collect();
    s.choice("pay.progression.min_grade", "晋升所需最低考核等次", &grades, true);
    s.field("pay.progression.early_after_excellent", "连续优秀几年提前晋升1级", Int, false, "不设可留空");
    s.field("pay.progression.early_max", "提前晋升累计上限（级）", Int, false, "");
    s.choice(
        "pay.progression.ungraded_years",
        "无考核记录的年份",
        &[("count", "视同合格，计入年限"), ("skip", "不计入年限")],
        true,
    );
    s.defaults_to("count");
    s.group("教育培训");
    s.field("training.credits_per_year", "每年应修学分", Int, false, "");
    s.field("training.head_every_years", "书记、主任轮训周期（年）", Int, true, "");
    s.field("training.others_every_years", "其他人员轮训周期（年）", Int, true, "");
    s.field("training.certificate_goal", "每个社区持证人数目标", Int, true, "");
    s.group("年度考核");
    s.field("assessment.organisation_weight", "组织考核权重（%）", Int, true, "各项权重之和应为100");
    s.field("assessment.residents_weight", "群众评议权重（%）", Int, true, "");
    s.field("assessment.routine_weight", "平时考核权重（%）", Int, false, "");
    for g in [Grade::Excellent, Grade::Competent, Grade::BasicallyCompetent] {
        s.field(format!("assessment.min_scores.{}", g.as_str()), format!("{}最低分", g.label()), Int, false, "百分制");
    }
    s.field("assessment.excellent_cap_pct", "优秀比例上限（%）", Int, false, "不设可留空");
    for (k, l, hint) in [
        ("base", "基础分", "由事务办理算日常考核建议分；不设可留空"),
        ("per_report", "每上报1件加分", ""),
        ("report_cap", "上报加分上限", ""),
        ("per_handled", "每办理1件加分", ""),
        ("handled_cap", "办理加分上限", ""),
        ("on_time", "按期办结率100%时加分", ""),
        ("visits_every", "走访排查每几次加1分", "由服务记录加分；不计可留空"),
        ("visits_cap", "走访排查加分上限", ""),
        ("wishes_every", "办结微心愿每几条加1分", ""),
        ("wishes_cap", "微心愿加分上限", ""),
        ("meetings_every", "主持议事每几次加1分", ""),
        ("meetings_cap", "议事加分上限", ""),
        ("duty_every", "窗口值班每几天加1分", ""),
        ("duty_cap", "窗口值班加分上限", ""),
    ] {
        s.field(format!("assessment.routine_from_events.{k}"), format!("日常考核建议·{l}"), Int, false, hint);
    }
    s.group("退出与后备");
    s.field("exit.incompetent_consecutive", "连续不合格几年退出", Int, true, "");
    s.field("exit.incompetent_total", "累计不合格几年退出", Int, true, "");
    s.field("reserve.per_seat", "每个两委职位后备人数", Int, false, "");
    s.field("agreement.alert_days", "服务协议到期前提醒天数", Int, false, "");
    s.out
}

fn item<'a>(doc: &'a DocumentMut, path: &str) -> Option<&'a Item> {
    let mut it = doc.as_item();
    for seg in path.split('.') {
        it = match seg.parse::<usize>() {
            Ok(i) => it.get(i)?,
            Err(_) => it.get(seg)?,
        };
    }
    (!it.is_none()).then_some(it)
}

fn shown(it: Option<&Item>, kind: Kind, default: &str) -> String {
    let Some(v) = it.and_then(Item::as_value) else {
        return default.to_string();
    };
    let num = |v: &Value| match v {
        Value::Integer(i) => i.value().to_string(),
        Value::Float(f) => {
            let s = format!("{:.2}", f.value());
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        Value::String(s) => s.value().clone(),
        Value::Boolean(b) => b.value().to_string(),
        other => other.to_string().trim().to_string(),
    };
    match (kind, v) {
        (Kind::Range, Value::Array(a)) => a.iter().map(num).collect::<Vec<_>>().join("-"),
        (Kind::YuanList, Value::Array(a)) => a.iter().map(num).collect::<Vec<_>>().join(", "),
        _ => num(v),
    }
}

/// The form for a policy file: its fields grouped by rule, filled from the file.
pub fn form(text: &str) -> Result<Vec<FormGroup>, FormError> {
    let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| FormError {
        path: String::new(),
        message: format!("政策文件格式错误：{}", crate::policy::toml_reason(e.message())),
    })?;
    Ok(group(
        specs(&doc)
            .into_iter()
            .map(|s| {
                let value = shown(item(&doc, &s.path), s.kind, s.default);
                (s, value, None)
            })
            .collect(),
    ))
}

fn group(fields: Vec<(Spec, String, Option<String>)>) -> Vec<FormGroup> {
    let mut groups: Vec<FormGroup> = Vec::new();
    for (s, value, error) in fields {
        if groups.last().is_none_or(|g| g.title != s.group) {
            groups.push(FormGroup { title: s.group.clone(), fields: vec![] });
        }
        groups.last_mut().expect("pushed").fields.push(FormField {
            path: s.path,
            label: s.label,
            kind: s.kind,
            options: s.options,
            required: s.required,
            hint: s.hint.to_string(),
            value,
            error,
        });
    }
    groups
}

fn whole(raw: &str) -> Option<i64> {
    let t = raw.trim();
    (!t.is_empty() && t.len() <= 9 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())?
}

fn yuan_value(raw: &str) -> Option<Value> {
    let fen = parse_yuan(raw).filter(|f| *f >= 0 && *f < 10_000_000_000)?;
    Some(if fen % 100 == 0 { Value::from(fen / 100) } else { Value::from(fen as f64 / 100.0) })
}

/// What a field's typed text becomes in the file: `Ok(None)` to leave the key out.
fn typed(spec: &Spec, raw: &str) -> Result<Option<Value>, String> {
    let mut raw = raw.trim();
    // "118%" in a field that says （%） or 百分比 means 118.
    if matches!(spec.kind, Kind::Int | Kind::Number) {
        raw = raw.trim_end_matches(['%', '％']).trim_end();
    }
    if raw.is_empty() && spec.kind != Kind::Flag {
        return if spec.required { Err(format!("请填写{}", spec.label)) } else { Ok(None) };
    }
    let v = match spec.kind {
        Kind::Text => {
            if raw.chars().count() > 200 {
                return Err(format!("{}最多200字", spec.label));
            }
            if crate::text::has_hidden(raw, false) {
                return Err(format!("{}中含有不可见的控制字符，请重新输入", spec.label));
            }
            Value::from(raw)
        }
        Kind::Int => Value::from(whole(raw).ok_or_else(|| format!("{}应为0或正整数", spec.label))?),
        Kind::Yuan => yuan_value(raw).ok_or_else(|| format!("{}应为不小于0、最多两位小数的元金额", spec.label))?,
        Kind::Number => {
            let x: f64 = raw
                .parse()
                .ok()
                .filter(|x: &f64| {
                    x.is_finite() && *x >= 0.0 && *x <= 10_000.0 && raw.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                })
                .ok_or_else(|| format!("{}应为不小于0的数，可带小数", spec.label))?;
            if x.fract() == 0.0 { Value::from(x as i64) } else { Value::from(x) }
        }
        Kind::Range => {
            let parts: Vec<&str> = raw
                .split(['-', '–', '—', '~', '～', ',', '，', '至'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            match parts.as_slice() {
                [a, b] => match (whole(a), whole(b)) {
                    (Some(a), Some(b)) => Value::Array([a, b].into_iter().collect()),
                    _ => return Err(format!("{}应为两个整数，如 7-18", spec.label)),
                },
                _ => return Err(format!("{}应为两个整数，如 7-18", spec.label)),
            }
        }
        Kind::Flag => Value::from(matches!(raw, "on" | "true" | "1" | "是")),
        Kind::Choice => {
            if !spec.options.iter().any(|(v, _)| v == raw) {
                return Err(format!("{}不在可选范围内", spec.label));
            }
            Value::from(raw)
        }
        Kind::YuanList => {
            let mut a = toml_edit::Array::new();
            for part in raw.split([',', '，', '、', ' ', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
                a.push(yuan_value(part).ok_or_else(|| format!("{}中的“{part}”不是元金额", spec.label))?);
            }
            Value::Array(a)
        }
    };
    Ok(Some(v))
}

/// Writes `v` at `path`, keeping the old value's spacing and comment; `None` removes the key, and
/// a table left empty by that goes too.
fn put(doc: &mut DocumentMut, path: &str, v: Option<Value>) {
    let segs: Vec<&str> = path.split('.').collect();
    let (last, parents) = segs.split_last().expect("a path has a key");
    if v.is_none() && item(doc, &parents.join(".")).is_none() && !parents.is_empty() {
        return;
    }
    let mut it = doc.as_item_mut();
    for (depth, seg) in parents.iter().enumerate() {
        it = match seg.parse::<usize>() {
            Ok(i) => match it.get_mut(i) {
                Some(x) => x,
                None => return,
            },
            Err(_) => &mut it[*seg],
        };
        if it.is_none() {
            // A rule the file did not have yet: a section at the top, an inline table below it.
            *it = if depth == 0 {
                Item::Table(toml_edit::Table::new())
            } else {
                Item::Value(Value::InlineTable(toml_edit::InlineTable::new()))
            };
        }
    }
    let Some(table) = it.as_table_like_mut() else { return };
    match v {
        None => {
            table.remove(last);
        }
        Some(mut v) => {
            // Replaced in place, so that the key keeps the comment above it.
            match table.get_mut(last) {
                Some(slot) if !slot.is_none() => {
                    if let Some(old) = slot.as_value() {
                        *v.decor_mut() = old.decor().clone();
                    }
                    *slot = Item::Value(v);
                }
                _ => {
                    table.insert(last, Item::Value(v));
                }
            }
        }
    }
    if table.is_empty() && parents.len() == 1 {
        doc.as_table_mut().remove(parents[0]);
    }
}

/// The file rewritten with the form's values, or every field the form got wrong.
pub fn apply(text: &str, values: &HashMap<String, String>) -> Result<String, Vec<FormError>> {
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        vec![FormError {
            path: String::new(),
            message: format!("政策文件格式错误：{}", crate::policy::toml_reason(e.message())),
        }]
    })?;
    let mut errors = Vec::new();
    for spec in specs(&doc) {
        let raw = values.get(&spec.path).map_or("", String::as_str);
        let as_default = match spec.kind {
            Kind::Flag => (raw == "on") == (spec.default == "true"),
            _ => raw.trim() == spec.default,
        };
        if !spec.default.is_empty() && as_default && item(&doc, &spec.path).is_none() {
            continue;
        }
        match typed(&spec, raw) {
            Ok(v) => put(&mut doc, &spec.path, v),
            Err(message) => errors.push(FormError { path: spec.path, message }),
        }
    }
    if errors.is_empty() { Ok(doc.to_string()) } else { Err(errors) }
}

/// The line of the file a field's value stands on.
fn line_of_path(doc: &toml_edit::Document<&str>, text: &str, path: &str) -> Option<usize> {
    let mut it = doc.as_item();
    for seg in path.split('.') {
        it = match seg.parse::<usize>() {
            Ok(i) => it.get(i)?,
            Err(_) => it.get(seg)?,
        };
    }
    let span = it.span()?;
    Some(text[..span.start.min(text.len())].bytes().filter(|b| *b == b'\n').count() + 1)
}

/// Applies the form and checks the result as a policy: the new file and its policy, or the errors
/// — a checker's message is given to the field whose value is on the line it names (else to the
/// file as a whole).
pub fn check(text: &str, values: &HashMap<String, String>) -> Result<(String, Policy), Vec<FormError>> {
    let new = apply(text, values)?;
    match Policy::parse(&new) {
        Ok(p) => Ok((new, p)),
        Err(e) => Err(vec![place(&new, e.line, &e.message)]),
    }
}

/// Where a checker's message goes: the field on the line it names, else the field the message
/// names, else the next field after that line (a rule about a whole section points at the
/// section's first line). Keys in the message are given their labels.
fn place(new: &str, line: usize, message: &str) -> FormError {
    let specs: Vec<Spec> = new.parse::<DocumentMut>().map(|d| specs(&d)).unwrap_or_default();
    let lines: Vec<Option<usize>> = match toml_edit::Document::parse(new) {
        Ok(d) => specs.iter().map(|s| line_of_path(&d, new, &s.path)).collect(),
        Err(_) => vec![None; specs.len()],
    };
    let on_line = specs.iter().zip(&lines).find(|(_, l)| **l == Some(line));
    let named = specs.iter().find(|s| message.contains(&s.path)).or_else(|| {
        // A table the message names (`assessment.min_scores`): its first field.
        message
            .split(|c: char| !(c.is_ascii_lowercase() || c == '_' || c == '.'))
            .filter(|w| w.contains('.'))
            .find_map(|key| specs.iter().find(|s| s.path.starts_with(&format!("{key}."))))
    });
    let after = specs
        .iter()
        .zip(&lines)
        .filter(|(_, l)| l.is_some_and(|l| l >= line))
        .min_by_key(|(_, l)| l.unwrap_or(usize::MAX));
    // Within the section the line opens, the field whose name the message uses.
    let in_section = after.and_then(|(a, _)| {
        specs
            .iter()
            .filter(|s| s.group == a.group)
            .find(|s| message.contains(s.label.split('（').next().unwrap_or(&s.label)))
    });
    let path = on_line
        .map(|(s, _)| s)
        .or(named)
        .or(in_section)
        .or(after.map(|(s, _)| s))
        .map_or(String::new(), |s| s.path.clone());
    let mut message = message.to_string();
    let mut by_length: Vec<&Spec> = specs.iter().collect();
    by_length.sort_by_key(|s| std::cmp::Reverse(s.path.len()));
    for s in by_length {
        message = message.replace(&s.path, &s.label);
    }
    for (key, label) in [
        ("assessment.min_scores", "各等次最低分"),
        ("assessment.grades", "考核等次"),
        ("pay.base_reference", "参照工资"),
        ("pay.base", "各级基本薪酬"),
        ("staffing.norm", "员额标准"),
    ] {
        message = message.replace(key, label);
    }
    FormError { path, message }
}

/// The form again with what was typed and the errors beside their fields.
pub fn refill(text: &str, values: &HashMap<String, String>, errors: &[FormError]) -> Vec<FormGroup> {
    let Ok(doc) = text.parse::<DocumentMut>() else {
        return vec![];
    };
    group(
        specs(&doc)
            .into_iter()
            .map(|s| {
                let value = match values.get(&s.path) {
                    Some(v) => v.clone(),
                    None if s.kind == Kind::Flag => "false".into(),
                    None => String::new(),
                };
                let error = errors.iter().find(|e| e.path == s.path).map(|e| e.message.clone());
                (s, value, error)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::SHIPPED;

    /// What a browser would send back for an untouched form.
    fn values(text: &str) -> HashMap<String, String> {
        form(text)
            .unwrap()
            .into_iter()
            .flat_map(|g| g.fields)
            .filter(|f| f.kind != Kind::Flag || f.value == "true")
            .map(|f| (f.path, if f.kind == Kind::Flag { "on".into() } else { f.value }))
            .collect()
    }

    fn haining() -> &'static str {
        SHIPPED.iter().find(|(n, _)| *n == "haining-2020").unwrap().1
    }

    #[test]
    fn every_shipped_policy_comes_back_unchanged_through_its_form() {
        for (name, text) in SHIPPED {
            let (new, p) = check(text, &values(text)).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(p, Policy::parse(text).unwrap(), "{name}");
            assert_eq!(new, *text, "{name}: an untouched form leaves the file as it was");
            // Comments stay where they were.
            for c in text.lines().filter(|l| l.trim_start().starts_with('#')) {
                assert!(new.contains(c), "{name}: lost comment {c}");
            }
        }
    }

    #[test]
    fn the_form_shows_rules_by_name_with_values_people_read() {
        let groups = form(haining()).unwrap();
        let all: Vec<&FormField> = groups.iter().flat_map(|g| &g.fields).collect();
        let get = |p: &str| all.iter().find(|f| f.path == p).unwrap_or_else(|| panic!("{p}"));
        assert_eq!(get("posts.0.levels").value, "7-18");
        assert_eq!(get("posts.0.allowance").value, "1500");
        assert_eq!(get("pay.base_reference.start_pct").value, "118");
        assert_eq!(get("pay.certificate_allowance.intermediate").value, "300");
        assert_eq!(get("pay.certificate_allowance.intermediate").label, "持证补助·社会工作师（元/月）");
        assert_eq!(get("pay.education_allowance.college").value, "");
        assert_eq!(get("pay.separate_duties").value, "true");
        assert_eq!(get("assessment.excellent_cap_pct").value, "20");
        assert_eq!(get("pay.progression.min_grade").options[1], ("competent".into(), "合格".into()));
        assert!(groups.iter().any(|g| g.title == "岗位类别 1：社区正职"));
        assert!(groups.iter().any(|g| g.title == "年度考核"));
        // Labels are Chinese, never keys.
        assert!(all.iter().all(|f| !f.label.contains('_')));
    }

    #[test]
    fn changed_values_are_written_into_the_file_and_checked() {
        let mut v = values(haining());
        v.insert("assessment.excellent_cap_pct".into(), "15".into());
        v.insert("pay.education_allowance.college".into(), "80.5".into());
        v.insert("posts.2.levels".into(), "1 – 14".into());
        v.insert("pay.progression.ungraded_years".into(), "skip".into());
        v.remove("pay.separate_duties");
        let (new, p) = check(haining(), &v).unwrap();
        assert_eq!(p.assessment.excellent_cap_pct, Some(15));
        assert_eq!(p.pay.education_allowance[&crate::policy::EducationKey::College], 8050);
        assert_eq!(p.posts[2].max_level, 14);
        assert!(!p.pay.progression.ungraded_count);
        assert!(!p.pay.separate_duties);
        assert!(new.contains("levels = [1, 14]"), "{new}");
        // Emptied optional rules leave the file.
        v.insert("assessment.excellent_cap_pct".into(), String::new());
        v.insert("reserve.per_seat".into(), String::new());
        let (new, p) = check(haining(), &v).unwrap();
        assert_eq!(p.assessment.excellent_cap_pct, None);
        assert!(!new.contains("[reserve]"));
        // A rule the file did not have is added.
        let jilin = SHIPPED.iter().find(|(n, _)| *n == "jilin-2020").unwrap().1;
        let mut v = values(jilin);
        v.insert("reserve.per_seat".into(), "2".into());
        v.insert("pay.education_allowance.bachelor".into(), "100".into());
        let (_, p) = check(jilin, &v).unwrap();
        assert_eq!(p.reserve.per_seat, 2);
        assert_eq!(p.pay.education_allowance[&crate::policy::EducationKey::Bachelor], 10000);
    }

    #[test]
    fn bad_values_are_named_by_field_and_every_one_is_reported() {
        let mut v = values(haining());
        v.insert("training.head_every_years".into(), "一年".into());
        v.insert("posts.0.levels".into(), "7".into());
        v.insert("posts.1.allowance".into(), "-5".into());
        v.insert("pay.unit".into(), "<script>".into());
        v.insert("title".into(), String::new());
        let errs = check(haining(), &v).unwrap_err();
        let msg = |p: &str| errs.iter().find(|e| e.path == p).map(|e| e.message.clone()).unwrap_or_default();
        assert_eq!(msg("training.head_every_years"), "书记、主任轮训周期（年）应为0或正整数");
        assert_eq!(msg("posts.0.levels"), "等级范围应为两个整数，如 7-18");
        assert!(msg("posts.1.allowance").contains("元金额"));
        assert!(msg("pay.unit").contains("不在可选范围内"));
        assert_eq!(msg("title"), "请填写政策名称");
        assert_eq!(errs.len(), 5);
    }

    #[test]
    fn the_checkers_message_stands_beside_the_field_it_is_about() {
        let mut v = values(haining());
        v.insert("assessment.routine_weight".into(), "20".into());
        let errs = check(haining(), &v).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("考核权重之和应为100，实际为110"), "{errs:?}");
        assert!(errs[0].path.starts_with("assessment."), "{errs:?}");
        let mut v = values(haining());
        v.insert("assessment.excellent_cap_pct".into(), "150".into());
        let errs = check(haining(), &v).unwrap_err();
        assert_eq!(errs[0].path, "assessment.excellent_cap_pct", "{errs:?}");
        assert!(!errs[0].message.contains("assessment."), "keys become labels: {}", errs[0].message);
        // Levels beyond the scale: the post's own field.
        let mut v = values(haining());
        v.insert("posts.0.levels".into(), "7-30".into());
        let errs = check(haining(), &v).unwrap_err();
        assert_eq!(errs[0].path, "posts.0.levels", "{errs:?}");
        // The form is refilled with what was typed and the message beside its field.
        let groups = refill(haining(), &v, &errs);
        let f = groups.iter().flat_map(|g| &g.fields).find(|f| f.path == "posts.0.levels").unwrap();
        assert_eq!(f.value, "7-30");
        assert!(f.error.is_some());
        // A rule about a table the message names goes to that table's first field.
        let mut w = values(haining());
        w.insert("assessment.min_scores.competent".into(), "95".into());
        let e2 = check(haining(), &w).unwrap_err();
        assert_eq!(e2[0].path, "assessment.min_scores.excellent", "{e2:?}");
        assert!(e2[0].message.starts_with("各等次最低分"), "{e2:?}");
        // "118%" in a percentage field is 118; hidden characters in a text are refused.
        let mut w = values(haining());
        w.insert("pay.base_reference.start_pct".into(), "118%".into());
        w.insert("assessment.excellent_cap_pct".into(), "20％".into());
        assert!(check(haining(), &w).is_ok());
        w.insert("title".into(), "海宁\u{202E}政策".into());
        let e2 = check(haining(), &w).unwrap_err();
        assert_eq!(e2[0].path, "title");
    }

    proptest::proptest! {
        /// Whatever is typed into whichever fields, the answer is a checked policy or errors that
        /// each name a field of the form (or the file), never a panic, and a checked answer parses.
        #[test]
        fn any_input_gives_a_policy_or_named_errors(edits in proptest::collection::vec((0usize..80, ".{0,12}"), 0..6)) {
            let mut v = values(haining());
            let paths: Vec<String> = form(haining()).unwrap().into_iter().flat_map(|g| g.fields).map(|f| f.path).collect();
            for (i, text) in edits {
                v.insert(paths[i % paths.len()].clone(), text);
            }
            match check(haining(), &v) {
                Ok((new, p)) => proptest::prop_assert_eq!(Policy::parse(&new).unwrap(), p),
                Err(errs) => {
                    proptest::prop_assert!(!errs.is_empty());
                    for e in errs {
                        proptest::prop_assert!(e.path.is_empty() || paths.contains(&e.path));
                        proptest::prop_assert!(!e.message.is_empty());
                    }
                }
            }
        }
    }
}
