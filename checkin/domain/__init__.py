"""The domain, pure: the check-in decision, badge codes, the person record, text folding, clocks. Imports nothing else of ours."""
