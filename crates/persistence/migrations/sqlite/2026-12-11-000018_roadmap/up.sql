-- A network's coordination office roadmap (خارطة طريق): goals for the short, medium or
-- long term, and the tasks that carry them out, each owned by an organization or a named
-- person, with the recommendations it implements.
CREATE TABLE roadmap_goals (
    id TEXT PRIMARY KEY,
    network_id TEXT NOT NULL REFERENCES networks(id),
    term TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL,
    target_on DATE,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);

CREATE INDEX roadmap_goals_network ON roadmap_goals (network_id, id);

CREATE TABLE roadmap_tasks (
    id TEXT PRIMARY KEY,
    goal_id TEXT NOT NULL REFERENCES roadmap_goals(id),
    network_id TEXT NOT NULL REFERENCES networks(id),
    title TEXT NOT NULL,
    description TEXT,
    owner_organization_id TEXT REFERENCES organizations(id),
    owner_person TEXT,
    due_on DATE,
    status TEXT NOT NULL,
    status_reason TEXT,
    completed_on DATE,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);

CREATE INDEX roadmap_tasks_goal ON roadmap_tasks (goal_id, id);
CREATE INDEX roadmap_tasks_network ON roadmap_tasks (network_id, id);
-- Whether an organization owns a task on a network's roadmap (its members see it).
CREATE INDEX roadmap_tasks_owner ON roadmap_tasks (owner_organization_id, network_id);

CREATE TABLE roadmap_task_recommendations (
    task_id TEXT NOT NULL REFERENCES roadmap_tasks(id),
    recommendation_id TEXT NOT NULL REFERENCES recommendations(id),
    PRIMARY KEY (task_id, recommendation_id)
);

CREATE INDEX roadmap_task_recommendations_of ON roadmap_task_recommendations (recommendation_id, task_id);
