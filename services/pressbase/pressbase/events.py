"""Events the pressbase service publishes (past tense) and their payload builders: plain JSON, never ORM objects."""
