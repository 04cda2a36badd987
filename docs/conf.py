# Sphinx settings of the documentation site (`make docs`; sources staged by docs/site.py into _build/site).
import actgen

project = 'actgen'
author = 'actgen developers'
release = version = actgen.__version__
extensions = ['myst_nb']
nb_execution_mode = 'off'                 # the notebooks were run by `make nbtest` (docs/nbrun.py); their outputs are shown
nb_render_markdown_format = 'myst'        # Markdown outputs (result tables) as tables
myst_enable_extensions = ['colon_fence', 'dollarmath']
myst_heading_anchors = 3                  # `page.md#a-heading` links resolve
exclude_patterns = ['**/.ipynb_checkpoints', '**/runs']
suppress_warnings = ['myst.header', 'mystnb.unknown_mime_type']
html_theme = 'sphinx_book_theme'
html_title = 'actgen'
html_theme_options = {'show_toc_level': 2, 'use_download_button': False, 'home_page_in_toc': True}
html_last_updated_fmt = None
