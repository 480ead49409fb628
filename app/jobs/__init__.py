"""Background jobs on Redis (RQ): scorecard PDF batches and e-mail delivery.

With `REDIS_URL` set, a request queues its jobs once its transaction has committed and
`flask jobs worker` runs them; without Redis (the SQLite default) nothing is queued and the same
work runs from the CLI: `flask scorecards pdf`, `flask outbox send`.
"""
