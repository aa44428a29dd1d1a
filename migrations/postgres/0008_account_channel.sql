-- The bot (channel, such as telegram:vicinato) a person last wrote to from this account, so
-- that what Vicinato sends on its own goes through a bot the person knows when several bots
-- share a network.
ALTER TABLE accounts ADD COLUMN channel TEXT;
