#ifndef CZMLAYOUTS_H
#define CZMLAYOUTS_H
/*
 * ZoneMinder's shared-memory structs for each released layout, declared as ZoneMinder declares them
 * (field names, C types, order and the time_t/uint64 unions); docs/zm-shm-layouts.md tabulates the offsets.
 * Tests fill these and write their bytes to a file: the compiler's offsets are the ground truth that
 * ZMShm's own offset tables are checked against.
 */
#include <stdint.h>
#include <time.h>
#include <sys/time.h>

#define ZM_TIME(name, pad) union { time_t name; uint64_t pad; }

typedef struct {
  uint32_t size;
  uint32_t last_write_index;
  uint32_t last_read_index;
  uint32_t state;
  uint64_t last_event;
  uint32_t action;
  int32_t brightness;
  int32_t hue;
  int32_t colour;
  int32_t contrast;
  int32_t alarm_x;
  int32_t alarm_y;
  uint8_t valid;
  uint8_t active;
  uint8_t signal;
  uint8_t format;
  uint32_t imagesize;
  uint32_t epadding1;
  ZM_TIME(startup_time, extrapad1);
  ZM_TIME(last_write_time, extrapad2);
  ZM_TIME(last_read_time, extrapad3);
  uint8_t control_state[256];
  char alarm_cause[256];
} ZM134SharedData;

typedef struct {
  uint32_t size;
  int32_t last_write_index;
  int32_t last_read_index;
  uint32_t state;
  double capture_fps;
  double analysis_fps;
  uint64_t last_event_id;
  uint32_t action;
  int32_t brightness;
  int32_t hue;
  int32_t colour;
  int32_t contrast;
  int32_t alarm_x;
  int32_t alarm_y;
  uint8_t valid;
  uint8_t active;
  uint8_t signal;
  uint8_t format;
  uint32_t imagesize;
  uint32_t last_frame_score;
  uint32_t audio_frequency;
  uint32_t audio_channels;
  ZM_TIME(startup_time, extrapad1);
  ZM_TIME(zmc_heartbeat_time, extrapad2);
  ZM_TIME(last_write_time, extrapad3);
  ZM_TIME(last_read_time, extrapad4);
  uint8_t control_state[256];
  char alarm_cause[256];
  char video_fifo_path[64];
  char audio_fifo_path[64];
} ZM136SharedData;

typedef struct {
  uint32_t size;
  int32_t last_write_index;
  int32_t last_read_index;
  int32_t image_count;
  uint32_t state;
  double capture_fps;
  double analysis_fps;
  uint64_t last_event_id;
  uint32_t action;
  int32_t brightness;
  int32_t hue;
  int32_t colour;
  int32_t contrast;
  int32_t alarm_x;
  int32_t alarm_y;
  uint8_t valid;
  uint8_t active;
  uint8_t signal;
  uint8_t format;
  uint32_t imagesize;
  uint32_t last_frame_score;
  uint32_t audio_frequency;
  uint32_t audio_channels;
  ZM_TIME(startup_time, extrapad1);
  ZM_TIME(zmc_heartbeat_time, extrapad2);
  ZM_TIME(last_write_time, extrapad3);
  ZM_TIME(last_read_time, extrapad4);
  uint8_t control_state[256];
  char alarm_cause[256];
  char video_fifo_path[64];
  char audio_fifo_path[64];
} ZM13634SharedData;

typedef struct {
  uint32_t size;
  int32_t last_write_index;
  int32_t last_read_index;
  int32_t image_count;
  uint32_t state;
  double capture_fps;
  double analysis_fps;
  double latitude;
  double longitude;
  uint64_t last_event_id;
  uint32_t action;
  int32_t brightness;
  int32_t hue;
  int32_t colour;
  int32_t contrast;
  int32_t alarm_x;
  int32_t alarm_y;
  uint8_t valid;
  uint8_t capturing;
  uint8_t analysing;
  uint8_t recording;
  uint8_t signal;
  uint8_t format;
  uint8_t reserved1;
  uint8_t reserved2;
  uint32_t imagesize;
  uint32_t last_frame_score;
  uint32_t audio_frequency;
  uint32_t audio_channels;
  ZM_TIME(startup_time, extrapad1);
  ZM_TIME(heartbeat_time, extrapad2);
  ZM_TIME(last_write_time, extrapad3);
  ZM_TIME(last_read_time, extrapad4);
  ZM_TIME(last_viewed_time, extrapad5);
  uint8_t control_state[256];
  char alarm_cause[256];
  char video_fifo_path[64];
  char audio_fifo_path[64];
  char janus_pin[64];
} ZM137SharedData;

typedef struct {
  uint32_t size;
  int32_t last_write_index;
  int32_t last_read_index;
  int32_t image_count;
  uint32_t state;
  double capture_fps;
  double analysis_fps;
  double latitude;
  double longitude;
  uint64_t last_event_id;
  uint32_t action;
  int32_t brightness;
  int32_t hue;
  int32_t colour;
  int32_t contrast;
  int32_t alarm_x;
  int32_t alarm_y;
  uint8_t valid;
  uint8_t capturing;
  uint8_t analysing;
  uint8_t recording;
  uint8_t signal;
  uint8_t format;
  uint8_t reserved1;
  uint8_t reserved2;
  uint32_t imagesize;
  uint32_t last_frame_score;
  uint32_t audio_frequency;
  uint32_t audio_channels;
  ZM_TIME(startup_time, extrapad1);
  ZM_TIME(heartbeat_time, extrapad2);
  ZM_TIME(last_write_time, extrapad3);
  ZM_TIME(last_read_time, extrapad4);
  ZM_TIME(last_viewed_time, extrapad5);
  ZM_TIME(last_analysis_viewed_time, extrapad6);
  uint8_t control_state[256];
  char alarm_cause[256];
  char video_fifo_path[64];
  char audio_fifo_path[64];
  char janus_pin[64];
} ZM138SharedData;

typedef struct {
  uint32_t size;
  int32_t last_write_index;
  int32_t last_read_index;
  int32_t image_count;
  uint32_t state;
  uint32_t epadding1;
  double capture_fps;
  double analysis_fps;
  double latitude;
  double longitude;
  uint64_t last_event_id;
  uint32_t action;
  int32_t brightness;
  int32_t hue;
  int32_t colour;
  int32_t contrast;
  int32_t alarm_x;
  int32_t alarm_y;
  uint8_t valid;
  uint8_t capturing;
  uint8_t analysing;
  uint8_t recording;
  uint8_t signal;
  uint8_t format;
  uint8_t reserved1;
  uint8_t reserved2;
  uint32_t imagesize;
  uint32_t last_frame_score;
  uint32_t audio_frequency;
  uint32_t audio_channels;
  uint32_t epadding2;
  ZM_TIME(startup_time, extrapad1);
  ZM_TIME(heartbeat_time, extrapad2);
  ZM_TIME(last_write_time, extrapad3);
  ZM_TIME(last_read_time, extrapad4);
  ZM_TIME(last_viewed_time, extrapad5);
  ZM_TIME(last_analysis_viewed_time, extrapad6);
  uint8_t control_state[256];
  char alarm_cause[256];
  char video_fifo_path[64];
  char audio_fifo_path[64];
  char janus_pin[64];
  int32_t last_analysis_index;
  int32_t analysis_image_count;
  uint32_t analysis_pad[2];
} ZMMasterSharedData;

typedef struct {
  uint32_t size;
  uint32_t trigger_state;
  uint32_t trigger_score;
  uint32_t padding;
  char trigger_cause[32];
  char trigger_text[256];
  char trigger_showtext[256];
} ZMTriggerData;

typedef struct {
  uint32_t size;
  uint64_t current_event;
  char event_file[4096];
  struct timeval recording;
} ZMVideoStoreData;

_Static_assert(sizeof(ZM134SharedData) == 600, "1.34");
_Static_assert(sizeof(ZM136SharedData) == 760, "1.36.0-.33");
_Static_assert(sizeof(ZM13634SharedData) == 768, "1.36.34+");
_Static_assert(sizeof(ZM137SharedData) == 864, "1.37");
_Static_assert(sizeof(ZM138SharedData) == 872, "1.38");
_Static_assert(sizeof(ZMMasterSharedData) == 888, "master");
_Static_assert(sizeof(ZMTriggerData) == 560, "TriggerData");
_Static_assert(sizeof(ZMVideoStoreData) == 4128, "VideoStoreData");

#endif
