"""Plumbing shared by the portal's apps, knowing none of them: no business rule lives here."""
