"""Access: the audit log (Protokolleintrag) and the second-factor duty for staff roles."""
