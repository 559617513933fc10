"""Education pages in the three areas: public (/education/), the portal and the workspace.

Each part of the app (courses, knowledge base, market rules) adds its patterns to these lists.
"""

public_patterns: list = []
portal_patterns: list = []
workspace_patterns: list = []
