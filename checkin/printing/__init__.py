"""Everything printed: fonts, QR codes, label stocks, badges, the pocket guide and its imposition, registers."""
