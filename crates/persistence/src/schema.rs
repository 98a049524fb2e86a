//! The one diesel schema both backends share (see the migrations folders).

diesel::table! {
    server_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sectors (code) {
        code -> Text,
        name_ar -> Text,
        name_en -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    areas (id) {
        id -> Text,
        parent_id -> Nullable<Text>,
        level -> Text,
        name_ar -> Text,
        name_en -> Text,
        path -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organizations (id) {
        id -> Text,
        kind -> Text,
        name_ar -> Nullable<Text>,
        name_en -> Nullable<Text>,
        acronym -> Nullable<Text>,
        description -> Nullable<Text>,
        founded_year -> Nullable<Integer>,
        registration_number -> Nullable<Text>,
        registering_authority -> Nullable<Text>,
        address -> Nullable<Text>,
        contacts -> Text,
        members_count -> Nullable<BigInt>,
        volunteers_count -> Nullable<BigInt>,
        beneficiaries_per_year -> Nullable<BigInt>,
        offers -> Text,
        needs -> Text,
        sector_codes -> Text,
        area_ids -> Text,
        contact_visibility -> Text,
        verification_status -> Text,
        archived_at -> Nullable<Timestamp>,
        search_text -> Text,
        sort_name -> Text,
        name_key_ar -> Nullable<Text>,
        name_key_en -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        facets -> Text,
    }
}

diesel::table! {
    organization_sectors (organization_id, sector_code) {
        organization_id -> Text,
        sector_code -> Text,
    }
}

diesel::table! {
    organization_areas (organization_id, area_id) {
        organization_id -> Text,
        area_id -> Text,
    }
}

diesel::table! {
    organization_resources (organization_id, direction, kind) {
        organization_id -> Text,
        direction -> Text,
        kind -> Text,
    }
}

diesel::table! {
    verification_events (id) {
        id -> Text,
        organization_id -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        reason -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    memberships (user_id, organization_id) {
        user_id -> Text,
        organization_id -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        throttle_key -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        action -> Text,
        object_type -> Text,
        object_id -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        request_id -> Nullable<Text>,
        seq -> Nullable<BigInt>,
        prev_hash -> Nullable<Text>,
        hash -> Nullable<Text>,
        n -> Nullable<BigInt>,
    }
}

diesel::table! {
    audit_anchors (id) {
        id -> Text,
        at -> Timestamp,
        upto -> BigInt,
        row_count -> BigInt,
        prev_hash -> Nullable<Text>,
        hash -> Text,
    }
}

diesel::table! {
    audit_chain_pending (pending) {
        pending -> Integer,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        organization_id -> Text,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    networks (id) {
        id -> Text,
        name_ar -> Nullable<Text>,
        name_en -> Nullable<Text>,
        description -> Nullable<Text>,
        area_id -> Text,
        sort_name -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    network_members (network_id, organization_id) {
        network_id -> Text,
        organization_id -> Text,
        status -> Text,
        invited_at -> Timestamp,
        responded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    meetings (id) {
        id -> Text,
        title -> Text,
        kind -> Text,
        description -> Nullable<Text>,
        network_id -> Nullable<Text>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        time_zone -> Text,
        venue_name -> Nullable<Text>,
        venue_address -> Nullable<Text>,
        area_id -> Nullable<Text>,
        online_url -> Nullable<Text>,
        visibility -> Text,
        capacity -> Nullable<Integer>,
        cancelled_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        agenda_version -> BigInt,
    }
}

diesel::table! {
    meeting_organizers (meeting_id, organization_id) {
        meeting_id -> Text,
        organization_id -> Text,
    }
}

diesel::table! {
    meeting_invitations (meeting_id, organization_id) {
        meeting_id -> Text,
        organization_id -> Text,
        invited_at -> Timestamp,
        answer -> Text,
        representatives -> Integer,
        answered_at -> Nullable<Timestamp>,
        answered_by -> Nullable<Text>,
        version -> BigInt,
    }
}

diesel::table! {
    network_coordinators (network_id, user_id) {
        network_id -> Text,
        user_id -> Text,
        appointed_at -> Timestamp,
        appointed_by -> Nullable<Text>,
    }
}

diesel::table! {
    calendar_tokens (user_id) {
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    meeting_participants (id) {
        id -> Text,
        meeting_id -> Text,
        organization_id -> Text,
        name -> Text,
        title -> Nullable<Text>,
        check_in_code -> Text,
        added_at -> Timestamp,
        checked_in_at -> Nullable<Timestamp>,
        checked_in_by -> Nullable<Text>,
        check_in_method -> Nullable<Text>,
    }
}

diesel::table! {
    meeting_span (id) {
        id -> Integer,
        longest_minutes -> BigInt,
    }
}

diesel::table! {
    agenda_items (id) {
        id -> Text,
        meeting_id -> Text,
        position -> Integer,
        title -> Text,
        presenter_id -> Nullable<Text>,
        duration_minutes -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    working_papers (document_id) {
        document_id -> Text,
        agenda_item_id -> Text,
        title -> Text,
        authors -> Text,
    }
}

diesel::table! {
    minutes (id) {
        id -> Text,
        meeting_id -> Text,
        corrects_id -> Nullable<Text>,
        body -> Text,
        status -> Text,
        required_percent -> Integer,
        circulated_at -> Nullable<Timestamp>,
        approved_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    minutes_reviews (minutes_id, organization_id) {
        minutes_id -> Text,
        organization_id -> Text,
        verdict -> Text,
        comment -> Nullable<Text>,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Timestamp,
    }
}

diesel::table! {
    decisions (id) {
        id -> Text,
        meeting_id -> Text,
        position -> Integer,
        body -> Text,
        method -> Text,
        votes_for -> Nullable<Integer>,
        votes_against -> Nullable<Integer>,
        abstentions -> Nullable<Integer>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    office_terms (id) {
        id -> Text,
        network_id -> Text,
        position -> Text,
        person_name -> Text,
        organization_id -> Text,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        decision_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(organization_sectors -> organizations (organization_id));
diesel::joinable!(organization_areas -> organizations (organization_id));
diesel::joinable!(organization_areas -> areas (area_id));
diesel::joinable!(organization_resources -> organizations (organization_id));
diesel::table! {
    search_words (entity, word, list_key) {
        entity -> Text,
        word -> Text,
        list_key -> Text,
    }
}

diesel::table! {
    search_index_state (entity) {
        entity -> Text,
        version -> Integer,
    }
}

diesel::table! {
    partnerships (id) {
        id -> Text,
        title_ar -> Nullable<Text>,
        title_en -> Nullable<Text>,
        description -> Nullable<Text>,
        kind -> Text,
        sector_codes -> Text,
        area_ids -> Text,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        objectives -> Text,
        proposed_by -> Nullable<Text>,
        stage -> Text,
        public -> Bool,
        confirmed_at -> Nullable<Timestamp>,
        first_confirmed_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        ended_reason -> Nullable<Text>,
        terms_version -> BigInt,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    partnership_parties (partnership_id, organization_id) {
        partnership_id -> Text,
        organization_id -> Text,
        position -> Integer,
        role -> Text,
        contribution -> Nullable<Text>,
        value_kind -> Nullable<Text>,
        value_amount -> Nullable<BigInt>,
        value_currency -> Nullable<Text>,
        state -> Text,
        answered_at -> Nullable<Timestamp>,
        answered_by -> Nullable<Text>,
        comment -> Nullable<Text>,
    }
}

diesel::table! {
    partnership_sectors (sector_code, partnership_id) {
        sector_code -> Text,
        partnership_id -> Text,
    }
}

diesel::table! {
    partnership_areas (area_id, partnership_id) {
        area_id -> Text,
        partnership_id -> Text,
    }
}

diesel::table! {
    partnership_reports (id) {
        id -> Text,
        partnership_id -> Text,
        kind -> Text,
        reported_by -> Text,
        happened_on -> Date,
        summary -> Text,
        details -> Nullable<Text>,
        area_id -> Nullable<Text>,
        party_ids -> Text,
        measures -> Text,
        links -> Text,
        status -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    partnership_report_reviews (report_id, organization_id) {
        report_id -> Text,
        organization_id -> Text,
        verdict -> Text,
        comment -> Nullable<Text>,
        reviewed_by -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    documents (id) {
        id -> Text,
        owner_kind -> Text,
        owner_id -> Text,
        organization_id -> Text,
        name -> Text,
        content_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        uploaded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    partnership_graph_state (id) {
        id -> Integer,
        generation -> BigInt,
    }
}

diesel::joinable!(partnership_parties -> partnerships (partnership_id));
diesel::joinable!(partnership_parties -> organizations (organization_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(verification_events -> organizations (organization_id));
diesel::joinable!(invitations -> organizations (organization_id));
diesel::joinable!(network_members -> networks (network_id));
diesel::joinable!(network_coordinators -> users (user_id));
diesel::joinable!(calendar_tokens -> users (user_id));
diesel::joinable!(network_members -> organizations (organization_id));

diesel::joinable!(meeting_organizers -> meetings (meeting_id));
diesel::joinable!(meeting_organizers -> organizations (organization_id));
diesel::joinable!(meeting_invitations -> meetings (meeting_id));
diesel::joinable!(meeting_invitations -> organizations (organization_id));
diesel::joinable!(meeting_participants -> meetings (meeting_id));
diesel::joinable!(meeting_participants -> organizations (organization_id));

diesel::joinable!(agenda_items -> meetings (meeting_id));
diesel::joinable!(working_papers -> agenda_items (agenda_item_id));
diesel::joinable!(working_papers -> documents (document_id));
diesel::joinable!(minutes_reviews -> minutes (minutes_id));
diesel::joinable!(minutes_reviews -> organizations (organization_id));
diesel::joinable!(office_terms -> organizations (organization_id));

diesel::table! {
    recommendations (id) {
        id -> Text,
        code -> Text,
        network_id -> Nullable<Text>,
        meeting_id -> Nullable<Text>,
        agenda_item_id -> Nullable<Text>,
        text_ar -> Nullable<Text>,
        text_en -> Nullable<Text>,
        sector_codes -> Text,
        area_ids -> Text,
        priority -> Text,
        status -> Text,
        status_reason -> Nullable<Text>,
        due_on -> Nullable<Date>,
        review_on -> Nullable<Date>,
        progress -> Integer,
        last_activity_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    recommendation_sectors (sector_code, recommendation_id) {
        sector_code -> Text,
        recommendation_id -> Text,
    }
}

diesel::table! {
    recommendation_areas (area_id, recommendation_id) {
        area_id -> Text,
        recommendation_id -> Text,
    }
}

diesel::table! {
    recommendation_parts (id) {
        id -> Text,
        recommendation_id -> Text,
        position -> Integer,
        organization_id -> Nullable<Text>,
        weight -> Integer,
        state -> Text,
        answer_reason -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        progress -> Integer,
        last_update_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        verified_at -> Nullable<Timestamp>,
        verified_by -> Nullable<Text>,
        verification_comment -> Nullable<Text>,
        version -> BigInt,
    }
}

diesel::table! {
    recommendation_updates (id) {
        id -> Text,
        recommendation_id -> Text,
        part_id -> Text,
        reported_on -> Date,
        percent -> Integer,
        body -> Text,
        links -> Text,
        related -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(recommendation_parts -> recommendations (recommendation_id));
diesel::joinable!(recommendation_updates -> recommendation_parts (part_id));

diesel::table! {
    notification_queue (id) {
        id -> Text,
        part_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        recommendation_id -> Text,
        part_id -> Text,
        due_on -> Nullable<Date>,
        dedupe_key -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        emailed_at -> Nullable<Timestamp>,
        email_claimed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    job_marks (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::joinable!(notifications -> recommendations (recommendation_id));
diesel::joinable!(notifications -> users (user_id));

diesel::table! {
    roadmap_goals (id) {
        id -> Text,
        network_id -> Text,
        term -> Text,
        title -> Text,
        description -> Nullable<Text>,
        status -> Text,
        target_on -> Nullable<Date>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    roadmap_tasks (id) {
        id -> Text,
        goal_id -> Text,
        network_id -> Text,
        title -> Text,
        description -> Nullable<Text>,
        owner_organization_id -> Nullable<Text>,
        owner_person -> Nullable<Text>,
        due_on -> Nullable<Date>,
        status -> Text,
        status_reason -> Nullable<Text>,
        completed_on -> Nullable<Date>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    roadmap_task_recommendations (task_id, recommendation_id) {
        task_id -> Text,
        recommendation_id -> Text,
    }
}

diesel::joinable!(roadmap_tasks -> roadmap_goals (goal_id));
diesel::joinable!(roadmap_task_recommendations -> roadmap_tasks (task_id));
diesel::joinable!(roadmap_task_recommendations -> recommendations (recommendation_id));
diesel::allow_columns_to_appear_in_same_group_by_clause!(roadmap_goals::term, roadmap_tasks::status);

diesel::allow_tables_to_appear_in_same_query!(
    roadmap_goals,
    roadmap_tasks,
    roadmap_task_recommendations,
    notification_queue,
    notifications,
    job_marks,
    recommendations,
    recommendation_sectors,
    recommendation_areas,
    recommendation_parts,
    recommendation_updates,
    network_coordinators,
    calendar_tokens,
    meeting_span,
    agenda_items,
    working_papers,
    minutes,
    minutes_reviews,
    decisions,
    office_terms,
    meetings,
    meeting_organizers,
    meeting_invitations,
    meeting_participants,
    server_secrets,
    users,
    sectors,
    areas,
    organizations,
    organization_sectors,
    organization_areas,
    organization_resources,
    verification_events,
    memberships,
    refresh_tokens,
    login_failures,
    audit_log,
    audit_anchors,
    audit_chain_pending,
    invitations,
    networks,
    network_members,
    search_words,
    search_index_state,
    partnerships,
    partnership_parties,
    partnership_sectors,
    partnership_areas,
    partnership_reports,
    partnership_report_reviews,
    partnership_graph_state,
    documents,
);
