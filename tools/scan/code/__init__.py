"""Application code: the pattern catalog, ripgrep search, tree-sitter symbols, request paths, build scope.

Takes a checkout; gives findings (category, pattern, enclosing function, handler) at `path:line`.
Must not decide a cause: a finding says what the code does, analysis/ says whether it matters.
"""
