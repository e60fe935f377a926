"""Persons: a participant recognised across workshops without an account (issues 19, 20).

A person exists only when a participant chose to keep a personal link ("bewaar deze
link"). The link's secret is stored hashed; revoking it ends the recognition. Each
workshop's participant row points at its person (`participants.person_id`), so what a
person did in earlier workshops (takeaways, attendance, 360 results) is found through it.
"""
