"""Signed webhooks (Standard Webhooks): what the brand decided, told to the supplier's MES."""
