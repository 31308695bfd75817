"""The lowest layer: facts every app shares, written once (refusals, roles and departments, the rule of a
certification in force, the region subtree, the SQL row helpers). It imports no app of the project."""
