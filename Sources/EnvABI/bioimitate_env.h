/* bioimitate environments through a C ABI (libbioimitate_env.so, built by `swift build -c release --product
 * bioimitate_env`). Every call returns 0 (or a handle) on success and -1 (or NULL) on failure, with the reason in
 * bi_last_error(); nothing crashes across the boundary for bad input. Buffers are caller-owned float32 arrays of the
 * sizes the environment reports. One handle must not be used from two threads at once; different handles may. */
#ifndef BIOIMITATE_ENV_H
#define BIOIMITATE_ENV_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

typedef struct bi_env bi_env;

/* The message of the last failed call on this thread ("" when none). Valid until the next failing call. */
const char *bi_last_error(void);

/* Environment IDs: bi_env_id_count() of them, bi_env_id(i) for each (static strings). */
int bi_env_id_count(void);
const char *bi_env_id(int index);

/* Creates an environment. config_json: NULL or a JSON object over configs/env_default.json's keys;
 * reference_path: NULL or an OpenSim .mot/.sto to imitate instead of the built-in reference. */
bi_env *bi_env_create(const char *id, const char *config_json, const char *reference_path);
/* Creates an environment from your own model and motion (as `bioimitate train --model`): model is gait2d, gait3d,
 * an .osim or a bioimitate .json spec; actuation "muscle", "torque", "joints" or NULL (muscle when the model has muscles);
 * reference_path the .mot/.sto to imitate (NULL only for a built-in model, which then walks). */
bi_env *bi_env_create_custom(const char *model, const char *actuation, const char *config_json, const char *reference_path);
void bi_env_close(bi_env *env);

int bi_env_observation_size(const bi_env *env);
int bi_env_action_size(const bi_env *env);
/* Control step (s). */
double bi_env_step_size(const bi_env *env);
/* Copies the action bounds into low and high (action_size floats each). */
int bi_env_action_bounds(const bi_env *env, float *low, float *high);
/* Name of observation or action number i (valid while the handle lives); NULL when out of range. */
const char *bi_env_observation_name(const bi_env *env, int index);
const char *bi_env_action_name(const bi_env *env, int index);

/* Starts an episode; writes observation_size floats. */
int bi_env_reset(bi_env *env, uint64_t seed, float *observation);
/* Applies one action (action_size floats, clipped to the bounds; a non-finite number is an error and changes
 * nothing); writes the next observation, the reward and the two episode flags. */
int bi_env_step(bi_env *env, const float *action, float *observation, double *reward, int *terminated, int *truncated);
/* The last step's info: bi_env_info_size() doubles, in order imitation, effort, smoothness, weighted_imitation,
 * weighted_effort, weighted_smoothness, joint_rmse_deg, com_error_m, power_w, frame, then per foot contact force
 * (N) and moment about the pelvis (N m), 6 numbers per foot. */
int bi_env_info_size(const bi_env *env);
int bi_env_info(const bi_env *env, double *out);
/* Why the episode terminated, or NULL while it runs; valid until the next call. */
const char *bi_env_fall_reason(bi_env *env);

/* Vectorized: num_envs copies of one environment, stepped together in one call on num_threads worker threads
 * (0: one per core). Buffers hold the copies' rows back to back (num_envs x size). A copy whose episode ended is
 * reset by its next bi_vec_step (gymnasium's next-step autoreset): that step ignores the copy's action and writes
 * the new episode's first observation, reward 0 and both flags 0; its seed comes from the copy's own stream,
 * restarted by each bi_vec_reset seed (the reset itself uses the seed as bi_env_reset does). */
typedef struct bi_vec bi_vec;
bi_vec *bi_vec_create(const char *id, const char *config_json, const char *reference_path, int num_envs, int num_threads);
/* num_envs copies of bi_env_create_custom's environment. */
bi_vec *bi_vec_create_custom(const char *model, const char *actuation, const char *config_json, const char *reference_path,
                             int num_envs, int num_threads);
void bi_vec_close(bi_vec *vec);
int bi_vec_num_envs(const bi_vec *vec);
int bi_vec_num_threads(const bi_vec *vec);
/* Copy i as a bi_env for sizes, bounds, names and its fall reason; owned by vec (never close it). */
bi_env *bi_vec_env(bi_vec *vec, int index);
/* Resets every copy; seeds: NULL (continue each copy's stream) or num_envs seeds. */
int bi_vec_reset(bi_vec *vec, const uint64_t *seeds, float *observations);
/* Steps every copy; info: NULL or num_envs x bi_env_info_size() doubles (a copy's last step); final_observations:
 * NULL or num_envs x observation_size floats (see same-step reset). A non-finite action in a copy that steps is an
 * error and moves no copy. */
int bi_vec_step(bi_vec *vec, const float *actions, float *observations, double *rewards, int *terminated,
                int *truncated, double *info, float *final_observations);
/* Same-step autoreset when on != 0 (Stable-Baselines3's convention): a copy whose episode ends is reset within that
 * step; observations then hold the new episode's first observation, final_observations the ended episode's last,
 * rewards, flags and info the ended step's. */
int bi_vec_set_same_step_reset(bi_vec *vec, int on);
/* Why copy i's episode ended at the last step (NULL if it did not end by falling); valid until the next call. */
const char *bi_vec_fall_reason(bi_vec *vec, int index);

#ifdef __cplusplus
}
#endif
#endif
