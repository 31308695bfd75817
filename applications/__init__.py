"""Application-based assistance cases (依申请救助): acceptance, referral, feedback, review, payment."""
