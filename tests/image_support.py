"""Synthetic ultrasound images for tests: PNG, JPEG and DICOM files made here, of made-up
patients only (no real image or identifier anywhere)."""

from __future__ import annotations

import io

import numpy
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, UltrasoundImageStorage, generate_uid


def speckle(width: int = 64, height: int = 48, seed: int = 7) -> numpy.ndarray:
    """An 8-bit greyscale frame that looks a little like ultrasound speckle."""
    generator = numpy.random.default_rng(seed)
    rows = numpy.linspace(0, 255, height, dtype=numpy.float64)[:, None]
    noise = generator.integers(0, 60, size=(height, width))
    return numpy.clip(rows * 0.6 + noise, 0, 255).astype(numpy.uint8)


def png_bytes(width: int = 64, height: int = 48, seed: int = 7) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(speckle(width, height, seed)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(width: int = 64, height: int = 48, seed: int = 7) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(speckle(width, height, seed)).convert("RGB").save(buffer, format="JPEG")
    return buffer.getvalue()


def dicom_bytes(
    *,
    patient_name: str = "RIVERA^ALEX",
    patient_id: str = "MRN-100001",
    width: int = 64,
    height: int = 48,
    seed: int = 7,
) -> bytes:
    """A single-frame, uncompressed, greyscale Ultrasound Image Storage file."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = UltrasoundImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    dataset = Dataset()
    dataset.file_meta = meta
    dataset.SOPClassUID = UltrasoundImageStorage
    dataset.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    dataset.Modality = "US"
    dataset.PatientName = patient_name
    dataset.PatientID = patient_id
    dataset.Rows, dataset.Columns = height, width
    dataset.SamplesPerPixel = 1
    dataset.PhotometricInterpretation = "MONOCHROME2"
    dataset.BitsAllocated = 8
    dataset.BitsStored = 8
    dataset.HighBit = 7
    dataset.PixelRepresentation = 0
    dataset.PixelData = speckle(width, height, seed).tobytes()
    buffer = io.BytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()
