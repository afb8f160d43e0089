"""The one launcher registry (IdP and gateway kinds, a URL means external) shared by every face."""
