"""The true ceiling: a minimal Django + DRF project outside our stack (its own settings and URLconf).

It does the least a correct learner endpoint must do — check an HS256 JWT (`exp`, `iss`, `aud`), find the
user by username in one indexed query, then one indexed read or one `UPDATE` of the learner's attempt — over
the same tables, database server, Python and gunicorn settings as the service, so `bench/learner_poll.py` can
show how much our own stack costs per request.
"""
