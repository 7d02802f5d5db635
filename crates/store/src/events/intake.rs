//! Reports written in groups. Every report is checked and its deadlines computed by its own request;
//! what is left — its number, its row, its first step and the tallies — is handed to one writer per
//! process, which takes whatever reports are waiting (up to [`MAX_GROUP`]) and writes them in one
//! transaction: one lock, one commit and a few multi-row statements for the group instead of several
//! round trips each. Each request gets its own event back once the group is committed; if a group
//! fails, its reports are written again one by one, so that one report's failure is its own.

use super::steps::{Step, action_row, last_number, lock_county, number_prefix};
use crate::Db;
use crate::entity::{event, event_action};
use crate::error::{Result, StoreError};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel};
use shegong_domain::events::EventState;
use std::any::Any;
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};

/// At most this many reports in one transaction.
pub const MAX_GROUP: usize = 128;

/// A report waiting to be written.
struct Job {
    event: event::Model,
    actor_name: String,
    reply: oneshot::Sender<Result<event::Model>>,
}

/// Writes a checked report (numbered on the way) and returns it as stored.
pub(super) async fn submit(db: &Db, event: event::Model, actor_name: String) -> Result<event::Model> {
    let (reply, answer) = oneshot::channel();
    let queue = db.intake.get_or_init(|| start(db));
    let job: Box<dyn Any + Send> = Box::new(Job { event, actor_name, reply });
    if let Err(mpsc::error::SendError(job)) = queue.send(job).await {
        // The writer's runtime has ended (a test's, a command's): written here instead.
        let job = job.downcast::<Job>().map_err(|_| StoreError::Other(anyhow::anyhow!("a report was lost")))?;
        let mut stored = write(db, vec![(job.event.clone(), job.actor_name.as_str())]).await?;
        return stored.pop().ok_or(StoreError::NotFound);
    }
    answer.await.map_err(|_| StoreError::Other(anyhow::anyhow!("the report writer stopped before answering")))?
}

/// The writer of this database's reports: runs until every handle on the database is dropped.
fn start(db: &Db) -> mpsc::Sender<Box<dyn Any + Send>> {
    let (queue, mut jobs) = mpsc::channel::<Box<dyn Any + Send>>(4 * MAX_GROUP);
    // Its own handle holds no queue, so that dropping the others closes it and the writer ends.
    let db = Db { intake: Default::default(), ..db.clone() };
    tokio::spawn(async move {
        while let Some(first) = jobs.recv().await {
            let mut group = vec![first];
            while group.len() < MAX_GROUP {
                match jobs.try_recv() {
                    Ok(j) => group.push(j),
                    Err(_) => break,
                }
            }
            let group: Vec<Job> = group.into_iter().filter_map(|j| j.downcast::<Job>().ok()).map(|j| *j).collect();
            write_group(&db, group).await;
        }
    });
    queue
}

async fn write_group(db: &Db, group: Vec<Job>) {
    let reports: Vec<(event::Model, &str)> = group.iter().map(|j| (j.event.clone(), j.actor_name.as_str())).collect();
    match write(db, reports).await {
        Ok(stored) => {
            for (j, e) in group.into_iter().zip(stored) {
                let _ = j.reply.send(Ok(e));
            }
        }
        Err(e) if group.len() == 1 => {
            if let Some(j) = group.into_iter().next() {
                let _ = j.reply.send(Err(e));
            }
        }
        Err(_) => {
            for j in group {
                let r = write(db, vec![(j.event.clone(), j.actor_name.as_str())]).await;
                let _ = j.reply.send(r.and_then(|mut v| v.pop().ok_or(StoreError::NotFound)));
            }
        }
    }
}

/// Numbers and writes reports in one transaction; returns them as stored, in order.
async fn write(db: &Db, mut reports: Vec<(event::Model, &str)>) -> Result<Vec<event::Model>> {
    let txn = db.begin_write().await?;
    // The counties' numbers are counted: on PostgreSQL each county is locked, in one order.
    let mut counties: Vec<String> = reports.iter().map(|(e, _)| e.community_code[..6].to_string()).collect();
    counties.sort();
    counties.dedup();
    for c in &counties {
        lock_county(&txn, c).await?;
    }
    let mut last: HashMap<String, u64> = HashMap::new();
    for (e, _) in &mut reports {
        let prefix = number_prefix(&e.community_code[..6], e.reported_at);
        let n = match last.get(&prefix) {
            Some(n) => *n,
            None => last_number(&txn, &e.province_code, &prefix).await?,
        };
        last.insert(prefix.clone(), n + 1);
        e.number = format!("{prefix}{:04}", n + 1);
    }
    let rows: Vec<event::ActiveModel> =
        reports.iter().map(|(e, _)| e.clone().into_active_model().reset_all()).collect();
    event::Entity::insert_many(rows).exec_without_returning(&*txn).await?;
    let steps: Vec<event_action::ActiveModel> = reports
        .iter()
        .map(|(e, name)| {
            let step = Step {
                seq: 1,
                action: "report",
                from: EventState::Reported,
                to: EventState::Reported,
                actor: &e.reported_by,
                at: e.reported_at,
                note: None,
                detail: None,
            };
            action_row(e, &step, name)
        })
        .collect();
    event_action::Entity::insert_many(steps).exec_without_returning(&*txn).await?;
    let pairs: Vec<(Option<&event::Model>, &event::Model)> = reports.iter().map(|(e, _)| (None, e)).collect();
    super::tallies::moved_many(&*txn, &pairs).await?;
    txn.commit().await?;
    Ok(reports.into_iter().map(|(e, _)| e).collect())
}
