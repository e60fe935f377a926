"""Programmes: a series of workshops for one organisation or team (issue 19).

A workshop belongs to at most one programme (`workshops.programme_id`). What a programme
keeps across its workshops (its report, attendance, intervision groups that meet again)
builds on the tables in `store`.
"""
