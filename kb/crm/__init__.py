"""Deals from the CRM reps live in (Salesforce, HubSpot) and answers back to it as activities.

Reps will not type deals twice: an opportunity export becomes deals whose journey stage follows
the CRM's pipeline stage through an editable mapping (``crm_stages.toml`` in the home), and
re-importing records every stage change in the deal's history — moves back included, since
buyers loop. Answered questions go back as CSV activities the CRM's import tool accepts.
"""
