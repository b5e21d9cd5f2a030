CREATE TABLE "names_version" (
	"one" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"version" integer NOT NULL,
	CONSTRAINT "names_version_one_row" CHECK ("names_version"."one")
);
--> statement-breakpoint
-- Once a transaction, as it commits: the triggers below are deferred, so the row is locked only
-- from the commit's start to its end (two imports at once never wait for each other mid-way), and a
-- cart read sees the new count exactly when it sees the new names.
CREATE FUNCTION "names_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('taskcart.names_counted', true) IS DISTINCT FROM 'yes' THEN
    INSERT INTO "names_version" ("one", "version") VALUES (true, 1)
      ON CONFLICT ("one") DO UPDATE SET "version" = "names_version"."version" + 1;
    PERFORM set_config('taskcart.names_counted', 'yes', true);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "customers_name_changed" AFTER UPDATE OF "name" ON "customers"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD."name" IS DISTINCT FROM NEW."name") EXECUTE FUNCTION "names_changed"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "task_types_label_changed" AFTER UPDATE OF "label", "effort_minutes" ON "task_types"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD."label" IS DISTINCT FROM NEW."label" OR OLD."effort_minutes" IS DISTINCT FROM NEW."effort_minutes") EXECUTE FUNCTION "names_changed"();
