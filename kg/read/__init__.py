"""The read side: the as-of questions asked of a store, their indexes and the statement table."""
