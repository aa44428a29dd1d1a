//! The job that ends a timed sanction (`room-sanction-end`): it carries out the actions that
//! undo the sanction in every linked room it held in (an error leaves the job to be retried;
//! doing them again is harmless), then ends the record once, and only then tells the member,
//! under a delivery key, so a job run again after a crash tells nobody twice.

use crate::Engine;
use crate::Reply;
use crate::courier::CourierError;
use crate::i18n::Msg;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use vicinato_core::rooms::jobs::{end, ending};
use vicinato_core::scheduler::JobHandler;
use vicinato_store::Job;

pub(crate) struct EndJob(pub Arc<Engine>);

#[async_trait]
impl JobHandler for EndJob {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        let engine = &self.0;
        let snapshot = engine.snapshot();
        let store = engine.store().as_ref();
        let Some(due) = ending(&job.payload, store, &snapshot.tree).await? else {
            return Ok(());
        };
        let couriers = engine.couriers();
        for action in &due.actions {
            couriers.act(action).await.map_err(anyhow::Error::new)?;
        }
        if !end(&due, store, now).await? {
            return Ok(());
        }
        let lang = due.person.language.unwrap_or(engine.settings().default_lang);
        let reply = Reply::say(Msg::new("rooms-you-may-write-again"));
        let key = format!("room-ended:{}", due.sanction.key);
        match couriers.deliver_once(&due.person, lang, &reply, &key, now).await {
            Ok(_) | Err(CourierError::Unreachable(_)) => Ok(()),
            Err(e) => {
                tracing::info!(error = %e, "the member whose sanction ended could not be told");
                Ok(())
            }
        }
    }
}
