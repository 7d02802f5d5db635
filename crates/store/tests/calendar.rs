//! The working calendar on both engines: the shipped schedules, a year an administrator adds, and
//! the files refused without changing anything.

use chrono::NaiveDate;
use shegong_store::calendar;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A made-up 2027 schedule in the shipped format (the real notice was not published when written).
const Y2027: &str = "date,kind,name\n2026-12-31,holiday,元旦\n2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027-01-03,holiday,元旦\n2027-01-09,workday,元旦\n2027-12-31,holiday,元旦\n";

#[tokio::test]
async fn an_administrator_adds_a_year_and_a_bad_file_changes_nothing() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let c = calendar::load(&db).await.unwrap();
        assert!(!c.is_working_day(d(2026, 10, 1)), "the shipped 国庆节");
        assert!(c.is_working_day(d(2027, 1, 8)));
        assert!(!c.knows(d(2027, 1, 8)));

        let days = calendar::add_year(&db, 2027, Y2027, "admin").await.unwrap();
        assert_eq!(days.len(), 6);
        let c = calendar::load(&db).await.unwrap();
        assert!(c.knows(d(2027, 1, 8)));
        assert!(!c.is_working_day(d(2027, 1, 1)));
        assert!(!c.is_working_day(d(2026, 12, 31)), "the December before, in the next year's notice");
        assert!(c.is_working_day(d(2027, 1, 9)), "a Saturday worked");
        let years = calendar::years(&db).await.unwrap();
        let y = years.iter().find(|y| y.year == 2027).unwrap();
        assert_eq!((y.holidays, y.workdays, y.shipped), (5, 1, false));
        assert!(years.iter().any(|y| y.year == 2026 && y.shipped));

        // Refused, each with its reason, and the year added stays as it was.
        for (year, text, reason) in [
            (2026, Y2027, "随系统提供"),
            (2027, "date,kind,name\n2027-02-30,holiday,x\n", "第2行"),
            (2027, "date,kind,name\n2027-01-05,workday,x\n", "不是周六或周日"),
            (2027, "date,kind,name\n2028-01-01,holiday,元旦\n", "不属于2027年"),
            (2028, "date,kind,name\n2027-12-31,holiday,元旦\n2028-01-01,holiday,元旦\n", "已列在2027年"),
            (2027, "date,kind,name\n", "没有日期"),
        ] {
            let e = calendar::add_year(&db, year, text, "admin").await.unwrap_err();
            assert!(format!("{e:?}").contains(reason), "{year} {text:?}: {e:?}");
        }
        let c = calendar::load(&db).await.unwrap();
        assert!(!c.is_working_day(d(2027, 1, 1)));
        assert!(c.is_working_day(d(2027, 1, 9)));

        // Added again: replaced as a whole.
        calendar::add_year(&db, 2027, "date,kind,name\n2027-01-01,holiday,元旦\n", "admin").await.unwrap();
        let c = calendar::load(&db).await.unwrap();
        assert!(!c.is_working_day(d(2027, 1, 1)));
        assert!(!c.is_working_day(d(2027, 1, 9)), "the Saturday is an ordinary one again");
        assert!(c.is_working_day(d(2026, 12, 31)));
    }
}
