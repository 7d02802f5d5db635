//! Lists shown a page at a time: the page asked for, the rows a page (20, 50 or 100), and the links
//! under the table to the other pages. Nothing is cut silently: the total is always said.

/// The rows a page may show.
pub(crate) const PER_PAGE: [u64; 3] = [20, 50, 100];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Paging {
    pub(crate) page: u64,
    pub(crate) per_page: u64,
}

impl Paging {
    /// The page asked for (from 1) and its size (one of [`PER_PAGE`], 50 otherwise).
    pub(crate) fn new(page: Option<u64>, per_page: Option<u64>) -> Self {
        Self {
            page: page.unwrap_or(1).clamp(1, crate::extract::MAX_PAGE),
            per_page: per_page.filter(|n| PER_PAGE.contains(n)).unwrap_or(50),
        }
    }

    /// Every row at once (an export).
    pub(crate) fn all() -> Self {
        Self { page: 1, per_page: u64::MAX }
    }

    /// This page's rows of a whole list.
    pub(crate) fn slice<T>(&self, rows: impl IntoIterator<Item = T>) -> Vec<T> {
        let skip = (self.page - 1).saturating_mul(self.per_page);
        rows.into_iter()
            .skip(usize::try_from(skip).unwrap_or(usize::MAX))
            .take(usize::try_from(self.per_page).unwrap_or(usize::MAX))
            .collect()
    }

    /// The links under a table of `total` rows: the count, the pages (the first, the last and two
    /// either side of this one), and the page sizes. `href(page, per_page)` is a page's address. No
    /// links when everything fits on one page of the smallest size.
    pub(crate) fn links(&self, total: u64, href: impl Fn(u64, u64) -> String) -> Vec<(String, String)> {
        if self.per_page == u64::MAX || total <= PER_PAGE[0] {
            return vec![];
        }
        let pages = total.div_ceil(self.per_page).max(1);
        let mut out = vec![(String::new(), format!("共 {total} 条"))];
        if self.page > 1 {
            out.push((href(self.page - 1, self.per_page), "上一页".into()));
        }
        let mut last_shown = 0;
        for p in 1..=pages {
            let near = p + 2 >= self.page && p <= self.page + 2;
            if p == 1 || p == pages || near {
                if p > last_shown + 1 {
                    out.push((String::new(), "…".into()));
                }
                let link = if p == self.page { String::new() } else { href(p, self.per_page) };
                out.push((link, p.to_string()));
                last_shown = p;
            }
        }
        if self.page < pages {
            out.push((href(self.page + 1, self.per_page), "下一页".into()));
        }
        out.push((String::new(), "每页".into()));
        for n in PER_PAGE {
            let link = if n == self.per_page { String::new() } else { href(1, n) };
            out.push((link, format!("{n} 条")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(l: &[(String, String)]) -> Vec<&str> {
        l.iter().map(|(_, t)| t.as_str()).collect()
    }

    #[test]
    fn pages_are_sliced_and_linked_with_the_total() {
        let p = Paging::new(Some(3), Some(20));
        assert_eq!(p.slice(1..=100), (41..=60).collect::<Vec<_>>());
        let l = p.links(14_308, |pg, n| format!("?page={pg}&per_page={n}"));
        assert_eq!(
            labels(&l),
            [
                "共 14308 条",
                "上一页",
                "1",
                "2",
                "3",
                "4",
                "5",
                "…",
                "716",
                "下一页",
                "每页",
                "20 条",
                "50 条",
                "100 条"
            ]
        );
        // This page and this size are not links; the others are.
        assert!(l.iter().any(|(h, t)| t == "3" && h.is_empty()));
        assert!(l.iter().any(|(h, t)| t == "716" && h == "?page=716&per_page=20"));
        assert!(l.iter().any(|(h, t)| t == "100 条" && h == "?page=1&per_page=100"));
    }

    #[test]
    fn sizes_and_pages_out_of_range_are_brought_back() {
        assert_eq!(Paging::new(None, Some(7)), Paging { page: 1, per_page: 50 });
        assert_eq!(Paging::new(Some(0), None).page, 1);
        assert!(Paging::new(Some(9), Some(20)).slice(1..=30).is_empty());
        assert!(Paging::new(None, None).links(20, |_, _| String::new()).is_empty());
        assert_eq!(Paging::all().slice(1..=1000).len(), 1000);
        assert!(Paging::all().links(1000, |_, _| String::new()).is_empty());
    }
}
