//! Phase-2 votes, as the system runs them: the threshold reached where the community decides
//! opens a vote among the territory's residents ([`open_vote`]), and at its end quorum and
//! majority decide ([`close_vote`]). Audited as the system's; returns what changed, if anything.

use super::access::system_audit;
use super::change::Changed;
use super::event::Event;
use chrono::{DateTime, Duration, Utc};
use vicinato_domain::initiative::{Decision, Initiative, Rules, Status, VoteResult};
use vicinato_store::{Store, StoreError, Transition};

fn changed(after: Initiative) -> Changed {
    Changed { events: vec![Event::Changed { initiative: after.clone(), by: None }], after, by_author: false }
}

/// Opens the vote of a threshold-reached initiative, for the territory's vote days.
pub async fn open_vote(
    ini: &Initiative,
    rules: &Rules,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<Option<Changed>, StoreError> {
    let transition = Transition {
        from: vec![Status::ThresholdReached],
        to: Status::Voting,
        decision: None,
        deadline: Some(now + Duration::days(rules.vote_days_in(&ini.territory))),
        outcome: None,
        audit: system_audit(ini.id, "open-vote", None, now),
    };
    Ok(store.initiative_transition(ini.id, &transition, now).await?.map(changed))
}

/// Closes a vote: accepted with a quorum and more yes than no, else rejected.
pub async fn close_vote(
    ini: &Initiative,
    rules: &Rules,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<Option<Changed>, StoreError> {
    if ini.status != Status::Voting {
        return Ok(None);
    }
    let (yes, no) = store.initiative_tally(ini.id).await?;
    let quorum = rules.quorum(ini.threshold);
    let (to, reason) = match rules.vote_result(ini.threshold, yes, no) {
        VoteResult::Accepted => (Status::Accepted, format!("{yes} yes, {no} no")),
        VoteResult::Rejected => (Status::Rejected, format!("{yes} yes, {no} no")),
        VoteResult::NoQuorum => (Status::Rejected, format!("{} votes, {quorum} needed", yes + no)),
    };
    let transition = Transition {
        from: vec![Status::Voting],
        to,
        decision: Some(Decision { by: None, at: now, reason: Some(reason.clone()) }),
        deadline: None,
        outcome: None,
        audit: system_audit(ini.id, "vote-closed", Some(reason), now),
    };
    let after = store.initiative_transition(ini.id, &transition, now).await?;
    if after.is_some() {
        tracing::info!(initiative = %ini.id, yes, no, to = to.as_str(), "vote closed");
    }
    Ok(after.map(changed))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::vote::{Input, vote};
    use super::*;

    #[tokio::test]
    async fn a_vote_opens_for_the_territory_s_days_and_closes_by_quorum_and_majority() {
        let t = Fixture::new().await;
        let reached = t.put(&t.published(2).await, Status::ThresholdReached, None).await;
        let voting = open_vote(&reached, &t.rules, t.store(), t.now).await.unwrap().unwrap().after;
        assert_eq!((voting.status, voting.deadline), (Status::Voting, Some(t.now + Duration::days(t.rules.vote_days))));
        assert_eq!(open_vote(&reached, &t.rules, t.store(), t.now).await.unwrap(), None, "opened once");
        for name in ["ada", "bea"] {
            let p = t.resident(name).await;
            vote(&p, Input { id: voting.id, yes: true }, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        }
        let closed = close_vote(&voting, &t.rules, t.store(), t.now).await.unwrap().unwrap().after;
        assert_eq!(closed.status, Status::Accepted);
        assert_eq!(closed.decision.and_then(|d| d.reason).as_deref(), Some("2 yes, 0 no"));
    }

    #[tokio::test]
    async fn without_a_quorum_it_is_rejected() {
        let t = Fixture::new().await;
        let reached = t.put(&t.published(2).await, Status::ThresholdReached, None).await;
        let voting = open_vote(&reached, &t.rules, t.store(), t.now).await.unwrap().unwrap().after;
        let closed = close_vote(&voting, &t.rules, t.store(), t.now).await.unwrap().unwrap().after;
        assert_eq!(closed.status, Status::Rejected);
        assert_eq!(closed.decision.and_then(|d| d.reason).as_deref(), Some("0 votes, 2 needed"));
    }
}
