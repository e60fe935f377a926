"""Agreements: the domain that outlives a workshop. Three activities, the report, the
managers' review and the API use it: `store` (rows and rules), `access` (who may read
and change what after the workshop) and `exports` (CSV and iCalendar)."""
