-- The task types Task Cart ships with (PRODUCT.md); an import of task-types can change them.
INSERT INTO "task_types" ("key", "label", "effort_minutes", "priority") VALUES
  ('renewal_call', 'Renewal call', 10, 'high'),
  ('follow_up', 'Follow-up', 8, 'normal'),
  ('satisfaction_survey', 'Satisfaction survey', 12, 'low'),
  ('cross_sell', 'Cross-sell', 15, 'normal'),
  ('complaint_callback', 'Complaint callback', 20, 'urgent'),
  ('welcome_call', 'Welcome call', 10, 'normal'),
  ('custom', 'Custom', 15, 'normal')
ON CONFLICT ("key") DO NOTHING;
