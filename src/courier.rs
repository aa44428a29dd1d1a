//! Couriers: replies Vicinato sends on its own initiative (reminders, decisions), delivered on
//! the network a person uses. The core names no network: each transport implements
//! [`Courier`] for its own, and [`Couriers`] picks the one that reaches a person.

use crate::conversation::Reply;
use crate::domain::{Account, Lang, Network, Person};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};

/// Why a message could not be handed over for delivery.
#[derive(Debug, thiserror::Error)]
pub enum CourierError {
    /// No courier can reach any of the person's accounts.
    #[error("no courier reaches person {0}")]
    Unreachable(String),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Hands replies to one network for delivery to one account's private chat.
#[async_trait]
pub trait Courier: Send + Sync + 'static {
    fn network(&self) -> Network;
    /// Queues a reply for the account; it is sent by the transport (and kept if it cannot be
    /// sent yet).
    async fn deliver(&self, account: &Account, lang: Lang, reply: &Reply, now: DateTime<Utc>) -> anyhow::Result<()>;
}

/// Every courier this process has, one per network.
#[derive(Clone, Default)]
pub struct Couriers(Vec<Arc<dyn Courier>>);

impl Couriers {
    pub fn add(&mut self, courier: Arc<dyn Courier>) {
        self.0.retain(|c| c.network() != courier.network());
        self.0.push(courier);
    }

    /// Delivers to the first of the person's accounts that a courier reaches.
    pub async fn deliver(
        &self,
        person: &Person,
        lang: Lang,
        reply: &Reply,
        now: DateTime<Utc>,
    ) -> Result<Account, CourierError> {
        for account in &person.accounts {
            if let Some(courier) = self.0.iter().find(|c| c.network() == account.network) {
                courier.deliver(account, lang, reply, now).await?;
                return Ok(account.clone());
            }
        }
        Err(CourierError::Unreachable(person.id.to_string()))
    }
}

/// A courier that keeps what it is given: for the console and for tests.
pub struct CapturingCourier {
    network: Network,
    sent: Mutex<Vec<(Account, Lang, Reply)>>,
}

impl CapturingCourier {
    pub fn new(network: Network) -> Arc<Self> {
        Arc::new(Self { network, sent: Mutex::new(Vec::new()) })
    }

    /// Everything delivered so far, oldest first.
    pub fn sent(&self) -> Vec<(Account, Lang, Reply)> {
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Takes everything delivered so far.
    pub fn take(&self) -> Vec<(Account, Lang, Reply)> {
        std::mem::take(&mut *self.sent.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

#[async_trait]
impl Courier for CapturingCourier {
    fn network(&self) -> Network {
        self.network
    }

    async fn deliver(&self, account: &Account, lang: Lang, reply: &Reply, _now: DateTime<Utc>) -> anyhow::Result<()> {
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).push((account.clone(), lang, reply.clone()));
        Ok(())
    }
}
