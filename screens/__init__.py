"""Textual screens of the kiosk: they talk only to ``kiosk`` services and ports.

Importing the package fixes a Textual cache that keeps gone widgets (screens/textual_fixes.py).
"""

from screens.textual_fixes import release_gone_widgets_render_caches

release_gone_widgets_render_caches()
