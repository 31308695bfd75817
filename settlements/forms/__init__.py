"""Forms of the settlements app, a module each: ``visits`` (visit, settling, reversal), ``policy_years`` (the
policy-year editor). They validate input; the services decide and write."""
