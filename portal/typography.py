"""Punctuation that differs between the portal's languages."""

from django.utils.translation import gettext as _


def labelled(label, value) -> str:
    """ "Label : value" in French (a no-break space before the colon), "Label: value" in
    English — for text assembled in code; templates use the same message through
    `{% blocktranslate %}{{ label }} : {{ value }}{% endblocktranslate %}`."""
    return _("%(label)s : %(value)s") % {"label": label, "value": value}
