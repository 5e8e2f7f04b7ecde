/**
 * What every options owner shares: {@link io.frameloop.config.Ranges}, the range checks of their
 * setters, and {@link io.frameloop.config.ConfigValues}, which reads an owner's JSON strictly (a
 * value of the wrong type or out of range is an error naming its key, a key it does not read is
 * named in a warning by {@link io.frameloop.config.UnknownKeys}). Depends on nothing else of
 * FrameLoop, so that every package with an owner may use it.
 */
package io.frameloop.config;
