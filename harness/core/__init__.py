"""Plumbing every layer uses: errors, lifecycle, serving, TLS, the transcript and the run's Redactor."""
