"""Intervision: groups around a table, each following a method's phases with roles.

`activity` is the working form; `store` its tables, `groups` making groups and roles,
`round` the phases and contributions, `views` what each screen may see, `phases` the
phase clock, `agreement` a takeaway kept as an agreement, `retention` the deletion of
group content, `methods/` the method files."""
