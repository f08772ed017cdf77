"""Events the identity service publishes (past tense) and their payload builders: plain JSON, never ORM objects."""
