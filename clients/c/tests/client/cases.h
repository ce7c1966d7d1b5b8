/* test_client's cases, by file; test_client.c runs them in this order. */
#ifndef MAAS_TESTS_CLIENT_CASES_H
#define MAAS_TESTS_CLIENT_CASES_H

/* calls.c */
void lists_versions_newest_first_with_every_field(void);
void an_empty_version_list_is_not_an_error(void);
void not_found_carries_the_server_message_and_keeps_the_connection(void);
void status_numbers_outside_grpc_become_unknown(void);
void predict_sends_float32_and_reads_every_output(void);
void predict_asks_for_the_given_version(void);
void predict_reads_a_4_mib_output(void);

/* register.c */
void register_streams_the_file_in_1_mib_chunks(void);
void register_uses_the_chunk_size_format_and_sha256_given(void);
void register_sends_an_empty_file_as_one_empty_final_chunk(void);
void register_of_a_missing_file_sends_nothing(void);
void register_stops_when_the_server_refuses_early(void);
void register_times_out_when_the_server_stops_reading(void);

/* hostile.c */
void hostile_frames_become_errors_and_close_the_connection(void);
void undecodable_payloads_and_bad_tensors_fail_only_their_call(void);
void damaged_answers_never_crash_and_results_stay_consistent(void);
void a_silent_server_costs_the_timeout_then_the_connection_closes(void);

/* wire.c */
void each_call_sends_its_method_a_new_call_id_and_timeout_ms(void);
void a_request_over_the_frame_limit_is_refused_before_sending(void);
void requests_are_the_bytes_googles_protobuf_writes(void);

/* audio.c */
void audio_predict_sends_the_file_and_reads_classes_and_features(void);
void audio_bytes_and_pcm_reach_the_server(void);
void the_servers_audio_refusals_keep_the_connection(void);
void bad_audio_arguments_are_refused_before_sending(void);
void versions_carry_the_audio_front_end_and_class_labels(void);
void register_sends_the_audio_front_end_class_labels_and_batching(void);
void hostile_audio_answers_are_errors_or_consistent_results(void);
void bad_utf8_in_labels_or_transcripts_is_a_bad_answer(void);
void damaged_audio_answers_never_crash(void);

/* arguments.c */
void bad_arguments_are_invalid_argument_and_send_nothing(void);
void connect_failures_are_reported(void);
void code_names_follow_grpc(void);

#endif /* MAAS_TESTS_CLIENT_CASES_H */
