"""The maturity scan (issue 20): statements per pillar of professionalism and about the
organisation's side, rated privately 1-5 for oneself and for the team or organisation.

    activity.py   the activity: config, actions, views, export
    store.py      tables (migrations, set "maturity_scan"), group results, change over time,
                  `self_ratings` (a participant's own, for their portfolio)
    report.py     the report's section, from the export
    scans/        the scans as data files (scan.schema.json)
"""
