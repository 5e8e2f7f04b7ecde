package io.frameloop.pipeline.ops.faces;

import io.frameloop.config.ConfigValues;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * The face detectors' files, for the {@code faces} and {@code anonymize} ops. Part of the server's
 * options; the JSON names are the configuration keys.
 */
@DataObject
@JsonGen(publicConverter = true)
public class FaceOptions {

  private String faceCascade = FaceModels.DEFAULT_CASCADE;
  private String faceModel;

  public FaceOptions() {
  }

  public FaceOptions(FaceOptions other) {
    this(other.toJson());
  }

  /**
   * From configuration JSON (the keys are this owner's, as in {@link #toJson}); a missing key keeps
   * its default.
   *
   * @throws IllegalArgumentException naming the key, for a value of the wrong type or out of range
   */
  public FaceOptions(JsonObject json) {
    ConfigValues.read(json, toJson(), FaceOptionsConverter::fromJson, this);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    FaceOptionsConverter.toJson(this, json);
    return json;
  }

  public String getFaceCascade() {
    return faceCascade;
  }

  /** The Haar cascade XML file of {@code model: haar}. */
  public FaceOptions setFaceCascade(String faceCascade) {
    this.faceCascade = faceCascade;
    return this;
  }

  public String getFaceModel() {
    return faceModel;
  }

  /** A BlazeFace (short range, 128x128) {@code .onnx} file for {@code model: blazeface}; unset: the one in the runnable jar. */
  public FaceOptions setFaceModel(String faceModel) {
    this.faceModel = faceModel;
    return this;
  }
}
