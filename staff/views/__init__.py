"""The staff back office (/staff/): CPPCC staff enter, review, assign, supervise, publish
and report. Every view is wrapped in access.staff_required by urls_staff; every action
calls one service and shows its TransitionError message when refused."""
