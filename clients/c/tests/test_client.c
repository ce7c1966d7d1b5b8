/*
 * libmaasclient against tests/fake_server (a C program): real calls, then every hostile answer the issue
 * names (oversized length, truncated frame, bad protobuf, wrong call id, early close) must come back as an
 * error value; and the request bytes must be the ones Google's protobuf writes (tests/fixtures/wire).
 * Run under valgrind by run_tests.sh, so a crash, an invalid read or a leak fails too.
 *
 * Usage: test_client PORT FIXTURE_DIR SCRATCH_DIR
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "client/cases.h"
#include "client/harness.h"

uint16_t port;
const char *fixtures;
const char *scratch;

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_client PORT FIXTURE_DIR SCRATCH_DIR\n");
        return 2;
    }
    port = (uint16_t)atoi(argv[1]);
    fixtures = argv[2];
    scratch = argv[3];
    TEST(lists_versions_newest_first_with_every_field);
    TEST(an_empty_version_list_is_not_an_error);
    TEST(not_found_carries_the_server_message_and_keeps_the_connection);
    TEST(status_numbers_outside_grpc_become_unknown);
    TEST(predict_sends_float32_and_reads_every_output);
    TEST(predict_asks_for_the_given_version);
    TEST(predict_reads_a_4_mib_output);
    TEST(register_streams_the_file_in_1_mib_chunks);
    TEST(register_uses_the_chunk_size_format_and_sha256_given);
    TEST(register_sends_an_empty_file_as_one_empty_final_chunk);
    TEST(register_of_a_missing_file_sends_nothing);
    TEST(register_stops_when_the_server_refuses_early);
    TEST(register_times_out_when_the_server_stops_reading);
    TEST(hostile_frames_become_errors_and_close_the_connection);
    TEST(undecodable_payloads_and_bad_tensors_fail_only_their_call);
    TEST(damaged_answers_never_crash_and_results_stay_consistent);
    TEST(a_silent_server_costs_the_timeout_then_the_connection_closes);
    TEST(each_call_sends_its_method_a_new_call_id_and_timeout_ms);
    TEST(a_request_over_the_frame_limit_is_refused_before_sending);
    TEST(requests_are_the_bytes_googles_protobuf_writes);
    TEST(audio_predict_sends_the_file_and_reads_classes_and_features);
    TEST(audio_bytes_and_pcm_reach_the_server);
    TEST(the_servers_audio_refusals_keep_the_connection);
    TEST(bad_audio_arguments_are_refused_before_sending);
    TEST(versions_carry_the_audio_front_end_and_class_labels);
    TEST(register_sends_the_audio_front_end_class_labels_and_batching);
    TEST(hostile_audio_answers_are_errors_or_consistent_results);
    TEST(bad_utf8_in_labels_or_transcripts_is_a_bad_answer);
    TEST(damaged_audio_answers_never_crash);
    TEST(bad_arguments_are_invalid_argument_and_send_nothing);
    TEST(connect_failures_are_reported);
    TEST(code_names_follow_grpc);
    return finish_tests("test_client");
}
