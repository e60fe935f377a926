"""The eindrapport: built once as a model (`model.build`), rendered to the printable page
(templates/report/report.html), Markdown, Word and CSV from that model only, so every
format holds exactly the same: nothing hidden, nothing anonymous, nothing confidential.

- model.py      the report as sections of blocks, one function per section
- settings.py   per workshop: the place on the cover, an anonymous report (report.settings)
- access.py     who may read it (the facilitator, an admin, the team's managers)
- markdown.py, word.py, spreadsheet.py  the renderers
"""
