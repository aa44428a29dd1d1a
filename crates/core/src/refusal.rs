//! One error policy for every use case. A use case returns
//! `Result<Result<Outcome, R>, StoreError>`: the outer error is the store's (busy, down, a bug),
//! which the caller turns into "busy, nothing lost" or "something went wrong" and logs; the inner
//! one is a refusal, `R`, a typed enum of the capability saying why the rules said no, which
//! the caller shows in the person's language. Each refusal names its Fluent message and the
//! message's arguments; `every()` lists one value of each variant, so a test checks that every
//! refusal has its message in every language.

/// Why a use case said no, as a person can read it.
pub trait Refusal: std::fmt::Debug + Clone + PartialEq + Send + Sync + 'static {
    /// The Fluent id of the message that tells the person (`locales/<lang>/main.ftl`).
    fn message_id(&self) -> &'static str;

    /// The message's arguments, by name.
    fn args(&self) -> Vec<(&'static str, Arg)> {
        Vec::new()
    }

    /// One value of each variant.
    fn every() -> Vec<Self>
    where
        Self: Sized;
}

/// An argument of a refusal's message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(i64),
}
