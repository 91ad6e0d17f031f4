"""The Delegates view: the roster table, importing a list, editing and transferring a delegate."""
